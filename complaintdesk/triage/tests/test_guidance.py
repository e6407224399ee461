import pytest
import yaml

from complaintdesk.triage.engine import guidance_for
from complaintdesk.triage.engine.guidance import GUIDANCE_PATH
from complaintdesk.triage.engine.labels import BEHAVIOURS, MOTIVES


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
@pytest.mark.parametrize("motive", MOTIVES)
@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_every_behaviour_and_motive_has_guidance_in_both_languages(behaviour, motive, lang):
    guidance = guidance_for(behaviour, motive, lang)
    assert guidance["approach"] and guidance["say_first"] and guidance["motive_advice"]
    assert len(guidance["golden_four_steps"]) == 4


def test_an_organisation_can_override_the_guidance(tmp_path):
    document = yaml.safe_load(GUIDANCE_PATH.read_text(encoding="utf-8"))
    document["behaviour"]["angry"]["en"]["say_first"] = "Our own opening line."
    own = tmp_path / "guidance.yaml"
    own.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert guidance_for("angry", "vent", "en", own)["say_first"] == "Our own opening line."
    assert guidance_for("angry", "vent", "en")["say_first"] != "Our own opening line."
