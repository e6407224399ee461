"""Day-one triage from the lexicon alone, before any model is trained.

Each head takes the label with the most cue hits; ties and texts without cues fall back to
the most common label. Confidences are rough (a share of the hits) and mark uncertain
results for the "needs triage" queue.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from complaintdesk.triage.engine import pii
from complaintdesk.triage.engine.features import AnalysedText, analyse
from complaintdesk.triage.engine.labels import CATEGORIES, CRISIS_SIGNALS
from complaintdesk.triage.engine.lexicon import Lexicon, is_english_term, load_lexicon
from complaintdesk.triage.engine.openings import NO_SUBJECT_EXPLANATION, names_no_subject
from complaintdesk.triage.engine.results import TriageResult

# Besides a model's weights and its lexicon, these files decide its answers: how a crisis cue
# is read here, the crisis decision and the openings. A model records their fingerprint when
# it is trained, so that its version says when it runs with other rules (TriageModel.version).
RULE_SOURCES: tuple[Path, ...] = tuple(
    Path(__file__).resolve().parent / name
    for name in ("rules.py", "crisis.py", "openings.py", "openings.yaml")
)
_NEEDS_TRIAGE_BELOW = 0.5
# A crisis cue is a threat or a report, not a mention: "我不想闹到媒体", "I'm not going to
# the papers" name the media and rule it out. The clause before a cue (cut at the last
# punctuation or at a word that starts the threat: "不处理就曝光", "or I'll sue") is checked
# for a negation.
_CUE_CONTEXT = {"zh": 10, "en": 60}
_CLAUSE_BREAK_ZH = re.compile(r"[,.;:!?，。；：！？、]|就|否则|不然|要不|再|才|的话")
_CLAUSE_BREAK_EN = re.compile(
    r"[,.;:!?()]|\b(?:or (?:i|we|else)|otherwise|then|unless|if|but|i'll|i will|we'll|we will"
    r"|i'm|i am|we're|we are|i shall|we shall|(?:he|she|they)(?:'ll| will))\b"
)
_NEGATION_ZH = re.compile(
    r"不会|不想|不打算|不准备|不用|不必|不需要|无意|没打算|没想|并不|不是要|不去|不愿"
    r"|不至于|犯不着|犯不上|没必要"
    # a guess, not a report: "不知道是不是整栋楼的问题"
    r"|不知道是不是|不确定是不是|不清楚是不是|不知是不是"
    # Cantonese: 唔想搞到要上報紙, 唔係想告你哋, 冇打算去消委會.
    r"|唔想|唔会|唔打算|唔系想|唔系要|唔使|唔需要|唔去|冇打算|冇谂过|无需|毋须"
    # the cue itself denied: "无冒烟", "冇煙、冇燶味", "没有异味"
    # (not a question: "有冇記者跟吓?", "有没有人管")
    r"|(?<![有还])(?:没有|没|无|冇|并无|未见)$"
)
# Every negation above contains one of these; a text without any has no negated cue.
_NEGATION_HINTS = ("不", "无", "没", "唔", "冇", "未见", "not", "never", "no", "n't", "rather")
_NEGATION_HINT = re.compile("|".join(map(re.escape, _NEGATION_HINTS)))
_CRISIS_PREFIX = "crisis."
_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")
_WORD_CHAR = re.compile(r"[a-z0-9]")
_DIGIT = re.compile(r"[0-9]")
# A regulator cited for its rules, not threatened: "Ofcom expects providers to…", "the Ofcom
# coverage checker", "the FCC's rules say". Matched right after the regulator's name.
_REGULATOR_RULES_CITED = re.compile(
    r"(?:'s)? (?:own |official )?(?:voluntary |automatic |general )?"
    # "I read the Ofcom roaming guidance before I went"
    r"(?:[a-z]+ (?=(?:rules?|codes?|guidance|guidelines|regulations)\b))?"
    r"(?:rules?|codes?|guidance|guidelines"
    r"|conditions|coverage checker|checker|expects|requires|say|says|said|brought in"
    r"|regulations|website|map|figures|research"
    # a regulator's action against others: "the NCC fined some operators"
    r"|fined|fines|has fined|penalised|penalized|sanctioned|broadband labels?|labels?"
    # "I read in The Guardian that Ofcom has banned these rises"
    r"|has banned|banned|bans|has ruled|ruled)\b"
    # ... or its website read: "我上 NCC 網站看了一下,上面寫…".
    r"| ?(?:的)?(?:网站|官网|网页)(?:看|查|上面|上写|写|说)"
    # "我睇過通訊辦網站,業界守則好似有講…": the site read, not a complaint made there.
    r"| ?(?:的)?(?:网站|官网|网页)"
    r"(?![^,.;:!?，。；：！？]{0,4}(?:投诉|申诉|举报|提交|留言|登记|陈情|反映|检举))"
    # ... or its rules recalled: "我印象中 NCC 好像有規定合約機一段時間後應該可以解鎖?"
    r"| ?(?:好像|似乎|应该|是不是|不是)?有?(?:规定|条例|法规)"
)
# A regulator or a lawsuit in the news, not the customer's own step: "看到新闻说工信部在整治",
# "saw on the news they got fined by the FCC". Looked for in the clause before the cue, in
# Chinese back to the sentence's start, further than the clause reader's window
# ("看到新闻说某运营商因为违规调整套餐被通信管理局约谈了").
_IN_THE_NEWS = re.compile(
    r"新闻|报道|\b(?:on|in) the news\b|\bnews (?:said|says|report|story|piece)|\bread about\b"
    # "I heard on Channels TV last month that the NCC fined some operators"
    r"|\b(?:heard|saw|read) (?:it )?(?:on|in) (?:the )?[a-z ]{0,20}\b(?:tv|radio|paper|news)\b"
    # "I read in The Guardian that Ofcom has banned…"
    r"|\b(?:heard|saw|read) (?:it )?(?:on|in) (?:the )?[a-z]+(?: [a-z]+)? that\b"
)
_NEWS_CONTEXT_ZH = 25
_PUNCTUATION = re.compile(r"[,.;:!?，。；：！？]")
_REPORTED_SIGNALS = frozenset({"regulator", "legal"})
# A fire or a post someone else had, heard of or read about: "看到网上有人说光猫着火",
# "睇新聞話有人部手機爆炸", "no swelling, I checked because of all the stories you hear".
# Read like the news, for the safety and media cues ("新闻" alone is no hearsay there:
# "某某新闻台记者" is the media itself); a crowd's reports stay the mass signal's evidence.
_HEARSAY = re.compile(
    r"(看|睇|刷|读|听)(到|了)*(新闻|报道)|(新闻|报道)(说|话|讲)|有人(说|话|讲)|网上(有人)?(说|话|讲)"
    r"|\b(?:on|in) the news\b|\bstories (?:you hear|about|of)\b|\bpeople (?:say|said)\b"
    r"|(?:看|睇|见)(?:到|过)[^,。]{0,6}有人"
    r"|\bheard (?:that|about|of)\b|\bsomeone\b[^.!?]{0,40}\b(?:said|says|mentioned|posted)\b"
    # China's 15 March consumer show already exposed it: "去年315不是刚曝光过乱开增值业务吗?"
    r"|315(?:晚会)?(?:不是|刚|早就|已经|都)"
)
# ... and, for a media cue only, the outlet read rather than gone to: "早排睇on.cc見到有人話…",
# "she'd seen on the BBC that…" (a hazard seen is the customer's own: "突然看到冒烟").
_OUTLET_READ = re.compile(
    r"(看|睇|刷|读)到?$|\b(?:seen|saw|read|watched) (?:it )?(?:on|in) (?:the )?$"
)
_HEARD_OF_SIGNALS = frozenset({"safety", "media"})
# A hazard already made safe: "线被吹断垂下来,不过工程人员已经把线收好了,现在没有危险", "has
# been made safe". Read right after a safety cue. (A fire put out is still reported as one:
# "消防来了才扑灭", and "灯灭了" is a light going off.)
_HAZARD_OVER = re.compile(
    r"(?:现在|而家|目前)(?:已经)?(?:没有|没|无|冇)(?:危险|危险了)"
    r"|\b(?:was|were|has been|have been) made safe\b"
    # "上次颱風是有一支電線桿倒掉,不過那個早就修好了"
    r"|(?:早就|早已|已经|早)修好了?"
    # "個火牛曾經爆過火花,當時你哋即日派人換咗新嘅"
    r"|(?:当时|已经|已)[^,。]{0,8}(?:换(?:咗|了)|修好|处理(?:咗|好))"
    r"|\bno longer (?:dangerous|a hazard|a danger)\b"
)
_HAZARD_OVER_CONTEXT = {"zh": 40, "en": 80}
# Someone else's job, not the customer's step: "我表哥在报社上班", "我有个朋友做律师",
# "my buddy's a reporter", "my brother's a solicitor". Matched at the end of the clause
# before a media or legal cue.
_SOMEONE_ELSES_JOB = re.compile(
    r"(?:朋友|表哥|表姐|表弟|表妹|堂哥|堂姐|哥哥|姐姐|弟弟|妹妹|老公|老婆|男朋友|女朋友|亲戚|同学"
    r"|邻居|同事|儿子|女儿|老豆|爸爸|妈妈|舅舅|叔叔|阿姨|friend|fd)(?:是|在|做|系|喺)"
    # ... also with the workplace between: "同学在电视台当记者", "表姐喺律师行做".
    r"(?:[^,.;:!?，。；：！？]{1,6}?(?:当|做|系|任))?(?:一名|一个|个|名)?$"
    r"|\b(?:friend|buddy|mate|cousin|brother|sister|son|daughter|wife|husband|dad|mum|mom"
    r"|father|mother|uncle|aunt|neighbou?r|colleague|partner|boyfriend|girlfriend)(?:'s| is)"
    r" (?:a |an )?(?:[a-z]+ )?$"
)
_JOB_SIGNALS = frozenset({"media", "legal"})
# The signals that are a customer's threat, not a fact reported.
_THREAT_SIGNALS = _REPORTED_SIGNALS | _JOB_SIGNALS
# The threats (media, regulator, legal) can also be ruled out by the words around the cue,
# read in windows of this many characters either side:
_THREAT_CONTEXT = {"zh": 15, "en": 60}
# ... a threat withdrawn: the cue as the topic of a refusal ("工信部我是不会去投诉的"),
# someone else's threat stopped ("我妈说要去工信部告你们,被我拦下了", "I talked her out of it"),
# or the customer's own workplace ("客户自称在市通信管理局工作");
_WITHDRAWN_AFTER = re.compile(
    r"^[^,.;:!?，。；：！？]{0,3}?(?:我|俺|是|就|也|先|还|暂时)*"
    r"(?:不会|不想|不打算|不准备|不去|唔会|唔想|唔去)去?(?:投诉|告|找|申诉|闹|曝光|报|发|联系|请)"
    r"|^.{0,12}?被我(?:拦|劝|挡)"
    # "工信部那边就不去了", "OFCA 嗰度唔去喇"
    r"|^[^,.;:!?，。；：！？]{0,4}?(?:就|也|都)?(?:不去了|不去啦|唔去喇|唔去啦|唔去了)"
    r"|\btalked (?:him|her|them) out of it\b"
    r"|^ ?(?:公署|署|局|办)?的?(?:工作|上班|任职|返工|实习|打工)"
    # the step judged useless: "佢話呢啲小事告你哋都冇用"
    r"|^[^,.;:!?，。；：！？]{0,3}?(?:都|也)(?:冇用|没用|无用)"
    # "有個friend喺報館做,但話唔想搞大", "我本身喺報館做嘢"
    r"|^ ?做(?:嘢|野|编辑|记者|事)?(?=[,.;:!?，。；：！？]|$|但|不过)"
    # the step judged not worth it: "打官司不划算", "告你哋唔值得"
    r"|^[^,.;:!?，。；：！？]{0,4}?(?:不划算|划不来|不值得|唔值得|唔抵|不至于)"
    # a rhetorical question dropped: "我为了39块钱去起诉你?算了算了"
    r"|^[^,.;:!，。；：！]{0,8}?[?？]\s*(?:算了|算啦|算吧)"
    r"|^[^.!?]{0,3}\bbut (?:honestly |frankly |really )?(?:i'd|i would|i) rather\b(?! not)"
    # a threat made once and not needed: "I'd said I'd go to the TIO but I didn't need to"
    r"|^[^.!?]{0,3}\bbut (?:i|we) (?:didn't|did not|never) (?:need|have) to\b"
    # a case against another firm: "a small claims date next week against a different supplier"
    r"|^[^.!?]{0,30}\bagainst (?:a |an |another |the )?(?:different|other|another|previous|old)\b"
)
# ... or a second thought: "我諗過入稟告你哋,但算啦", "my lawyer friend says I could take you
# to small claims. Honestly can't be bothered" (a thought before the cue, dropped after it).
_SECOND_THOUGHT_BEFORE = re.compile(
    r"想过|谂过|考虑过|本来想|本想|\b(?:thought about|considered|could|was going to)\b"
    # "我当时都想找记者曝光了,回来冷静想想犯不着"
    r"|(?:当时|那时候?|一度)[^,.;:!?，。；：！？]{0,2}想"
    # "我知道可以去通訊辦投訴…,但我冇時間搞"; "I had a look at what ACMA does … I can't face
    # the forms"
    r"|(?:知道|晓得)(?:我)?(?:是)?可以(?:去)?$|\b(?:had a look at|looked into|looked up)\b"
    # "back home I'd probably have gone to Ofcom by now, but I'd rather sort this out with you"
    r"|\b(?:i'd|i would) (?:probably |definitely |already )?have\b"
)
_SECOND_THOUGHT_AFTER = re.compile(
    r"算了|算啦|算吧|懒得|犯不着|犯不上|can'?t be bothered|not worth (?:it|the)|\brather not\b"
    r"|\blife'?s too short\b|\blife is too short\b"
    r"|\bdon't (?:really )?care about (?:that|it|them)\b"
    r"|\b(?:i'd|i would) rather (?:we )?(?:just )?(?:sort|deal|fix|resolve|settle|work)\b"
    # "I could post this on X …, but I won't"; "I know I could go to the Privacy Commissioner,
    # but honestly I just want to be taken off the list"
    r"|\bbut (?:i|we) (?:won't|will not)\b"
    r"|\bbut (?:honestly |frankly |really )?(?:i|we) (?:just|only) want\b"
    r"|\bcan'?t face\b|(?:冇|没有?)时间(?:搞|理|去)|但我(?:暂时)?(?:都系|还是|只)(?:想|希望)"
)
# ... or a step nearly taken and overtaken by events: "本来都准备打12300了,朋友说先找你们…
# 结果十分钟就退了", "昨天本来已经写好了12300的申诉…申诉就不交了", "I'd drafted an email to Ofcom
# on Friday, but your engineer came out Saturday". Read over a longer window after the cue.
_NEARLY_BEFORE = re.compile(
    r"本来[^,.;:!?，。；：！？]{0,6}?(?:想|准备|打算|要|写好)|原本(?:想|准备|打算|要)|本打算"
    r"|差点(?:就)?|一度"
    r"|\b(?:was going to|were going to|was about to|nearly|almost|had drafted|'d drafted"
    r"|drafted|thought about|considered)\b"
)
_OVERTAKEN_AFTER = re.compile(
    r"后来|结果|但是?|不过|算了|懒得|就不|不交|不用|不打|不去|撤回|撤销"
    r"|先(?:给|找|让|畀|俾)你(?:们|哋)"
    r"|\b(?:but|instead|until|then (?:your|you|they|he|she|someone))\b"
)
_NEARLY_CONTEXT = {"zh": 30, "en": 80}
# ... or a threat taken back later in an agent's note or a long message: "initially said
# he'd sue the lot of you, later … said forget the lawyer thing", "asked which regulator …
# said she didn't want to take it that far". Specific enough to be read further on.
_TAKEN_BACK_LATER = re.compile(
    r"只是(?:先)?问问|只系(?:想)?问(?:吓|下)|没有要(?:申诉|投诉|告)|冇(?:打算|话要)(?:申诉|投诉|告)|"
    r"\bforget (?:about )?the (?:lawyer|legal|court|lawsuit|ombudsman|regulator|media|press"
    r"|papers?|tv|news) (?:thing|stuff|idea|bit|part)\b"
    r"|\b(?:didn't|did not|doesn't|does not|don't|do not) want to take"
    r" (?:it|this|things|the matter) (?:that far|any further|further)\b"
    r"|\bdropped the (?:lawyer|legal|court|lawsuit|ombudsman|regulator|media|press) "
    r"(?:thing|idea|threat)\b"
    # "later apologised … said he won't be taking it any further"; "但我觉得未去到嗰步",
    # "还没到那一步" (OpenCC reads 嗰 as 𠮶)
    r"|\b(?:won't|will not|isn't|is not|not) (?:be )?taking (?:it|this|things|the matter)"
    r" (?:any )?further\b"
    r"|(?:还|仲)?(?:没|未)(?:去)?到(?:那|嗰|𠮶|这)(?:一)?步"
    # a threat made and dropped once settled: "我聽日就入稟告你哋 … 話「唔告喇,咁樣算公道」",
    # "上次我話要搵OFCA … 後來你哋好快處理咗,所以冇去", "曾向通信管理局申诉 … 这件事已经了结"
    r"|(?:唔|不)(?:告|投诉|申诉)(?:喇|啦|了)|所以(?:就)?(?:冇|没有?)去|(?:已经|已)(?:了结|结案)"
    # "违约金你们昨天已经退回来了 我就不追究了"; "not a threat, just annoyed"; a past case
    # "resolved and closed"
    r"|(?:就|也)?(?:不|唔)(?:再)?追究|(?:不是|唔系)威胁"
    r"|\bnot a threat\b|\bthis is(?:n't| not) a threat\b"
    r"|\b(?:which|that|it) (?:was|got) (?:resolved|settled)(?: and closed)?\b"
    r"|(?:那边|那里|嗰度|𠮶度|这边)(?:就|也)?(?:不去了|唔去喇|唔去了)"
    # "后经营业厅核实已解除合约 … 客户表示认可,不会再去投诉"
    r"|(?:不会|唔会)再(?:去)?(?:投诉|申诉|告|找)"
    # "去年我因为另一件事打过12300,你们后来处理得挺好,所以这次我先直接找你们";
    # "我不是要告你们,我是要告我老板"
    r"|所以这次(?:我)?先(?:直接)?找你们|(?:不是|唔系)要(?:告|投诉|起诉)你(?:们|哋)"
    # someone's threat stopped by the customer: "孫子一度表示要拍影片PO上網 … 客戶本人當場制止";
    # a post taken down: "曾在IG限時動態發文抱怨,但後來 … 又自己刪掉了"
    r"|(?:当场|马上|立刻|及时)?(?:制止|阻止|劝阻)|(?:又|后来|但)[^,。]{0,10}(?<!被)(?:删掉|删了)"
)
_TAKEN_BACK_CONTEXT = {"zh": 60, "en": 200}
# ... or someone's advice turned down: "有朋友叫我入小額錢債同佢哋拗，但我唔想再搞上庭",
# "我朋友在NCC上班,她叫我可以去申訴,但老實說我累了", "my cousin says I could sue, but I
# just want the £38 back". The advice is read before the cue, the refusal over the longer
# window after it.
_ADVICE_BEFORE = re.compile(
    # ... or someone else's own threat: "我同事之前为别的事说要去找媒体曝光,我觉得没必要".
    r"(?:同事|朋友|家人|老公|老婆|邻居|亲戚)[^,.;:!?，。；：！？]{0,10}(?:说|话)?[^,.;:!?，。；：！？]{0,3}?(?:要|去)|"
    r"叫我|让我|劝我|建议|教我|(?:说|话|讲)[^,.;:!?，。；：！？]{0,8}可以|有人(?:说|话|讲|叫)"
    # the staff's own suggestion: "客服来一句'您不认可可以去工信部投诉'"
    r"|(?:客服|营业员|店员|工作人员|职员|经理)[^,.;:!?，。；：！？]{0,12}可以"
    # the polite "you can" is the staff's: "您也可以通过法律途径维护权益"
    r"|您(?:也|还)?可以"
    # "My employer say I should post it", "Person for my office say make I report una",
    # a shop that "told me 'go to the CCTS'"
    r"|\b(?:told me (?:to|i could|i should)|said i (?:could|should)|says? i (?:could|should)"
    r"|says? make (?:i|we)|was told|were told|(?:saying|said|says) (?:we|you) (?:could|should)"
    r"|\bsaid to\b"
    r"|suggested|advised me|reckons i (?:could|should)|wants me to|keeps telling me to)\b"
)
_DECLINED_AFTER = re.compile(
    r"(?:但|不过|可是|我)[^。!?]{0,10}?(?:不想|唔想|唔使|不用|不必|不至于|不值得|不划算|累了"
    r"|算了|算啦|没力气|冇力|只想|只是想|就想|只系想|懒得|没必要|冇必要|没心思|冇心机|犯不着"
    # "客服說如果不滿意可以去NCC申訴,但我們老闆的意思是先跟貴公司好好談"
    r"|先(?:跟|同|和|与)(?:贵|你)"
    r"|没(?:那|这)?(?:个)?闲?(?:工夫|功夫|精力))|唔使啦|算了|算啦"
    # "我老公在旁邊說乾脆去告你們,我跟他說告什麼,浪費時間"
    r"|浪费时间|(?:告|投诉|申诉)(?:什么|乜嘢|咩)"
    # "你让我去起诉?", "怎么让我去找12345?", "我又不是要投诉政府"
    r"|让我去(?:起诉|告|投诉|申诉|找)[^,.;:!，。；：！]{0,8}[?？]|又不是要"
    r"|\blife'?s too short\b|\blife is too short\b"
    r"|\bbut (?:honestly |frankly |really |to be honest,? )?(?:i|we)(?:'m| am|'d| would)?"
    r" (?:just |really |only )?(?:not|don't|do not|rather|can't be bothered|only want|just want"
    r"|want)|\bnot worth\b|\bcan't be bothered\b"
    r"|\bno get time\b|\b(?:don't|do not|haven't) (?:got |have )?(?:the )?time for\b"
    # "Someone … said to file in small claims. Honestly it's $60, I'm not taking a day off"
    r"|\b(?:i'm|i am) not (?:taking|going|doing|wasting|spending)\b|\bcan'?t face\b"
    r"|\b(?:i'd|i would) rather (?:we )?(?:just )?(?:sort|deal|fix|resolve|settle|work)\b"
)
# "我不是那种动不动就打电话去工信部的人": the clause breaks at 就, so the refusal of the
# type is read in the window before the cue, up to the last punctuation.
_NOT_THAT_KIND_BEFORE = re.compile(
    r"(?:不是|唔系)(?:那种|嗰种|𠮶种|那样)[^,.;:!?，。；：！？]*$"
    # "我唔會為咗幾百蚊搵律師同你哋打官司"; a labour arbitration is against an employer
    r"|(?:唔会|不会|唔使|不用)为(?:咗|了)[^,.;:!?，。；：！？]*$|劳动$"
    # "I withdrew my Ofcom complaint after your call", "已撤回向工信部的投诉"
    r"|\b(?:withdrew|withdrawn|pulled|dropped) (?:my|our|the) $"
    r"|(?:已经|已)?撤(?:回|销)了?(?:向|对|在)?$"
)
# ... or the customer's own trade, set aside: "I'm a journalist, but writing as a customer",
# "本人是某报社记者,但这次是以个人身份" (a reporter on the job is a media signal). The trade is
# read right before a media or legal cue, the setting aside in the 60 characters after it.
_OWN_JOB_BEFORE = re.compile(
    r"\b(?:i'm|i am) (?:a|an) (?:[a-z-]+ )?$"
    # "我本身是做记者的,但这次以个人身份投诉"
    r"|(?:本人|我)(?:本身|自己)?是(?:做)?(?:某|一名|一个|个)?[^,。!?;]{0,4}$"
    # "本人任職報館編輯,此函純屬個人身份", "我本身喺報館做嘢,但今次純粹以客戶身份"
    r"|(?:本人|我)(?:本身)?(?:任职|喺|在)(?:某|一间|一家)?$"
)
_SET_ASIDE_AFTER = re.compile(
    r"\bbut\b|\bas a (?:normal |regular |private |paying )?customer\b|\bpersonal(?:ly)?\b"
    r"|\bnot (?:a|for|as a) (?:story|work)\b|个人|私人|但|不过|不会写|不是来"
)
_SET_ASIDE_CONTEXT = 60
_NEGATION_EN = re.compile(
    r"\b(?:not|never|no intention|no need|no plans?|rather not)\b"
    # "no swelling", "no smell or smoke", "without any sparks": the cue itself denied.
    r"|\bno (?:[a-z]+ (?:or|and|nor) )?$|\bwithout (?:any )?$"
    r"|n't\b(?!.*\b(?:hesitate|make me)\b)"
)


def _pick(
    counts: Counter[str], prefix: str, labels: Sequence[str], default: str
) -> tuple[str, float]:
    scored = [(counts.get(f"{prefix}.{label}", 0), label) for label in labels]
    total = sum(score for score, _ in scored)
    if total == 0:
        return default, 0.25
    best_score = max(score for score, _ in scored)
    # The earliest label in the list wins a tie: lists are ordered by how common they are.
    label = next(label for score, label in scored if score == best_score)
    return label, best_score / total


def _reads_chinese(normalised: str, start: int) -> bool:
    """Whether a cue at ``start`` is read with the Chinese windows: a Latin cue inside
    Chinese text ("不打算向NCC申诉") is."""
    return _HAN_CHAR.search(normalised[max(0, start - 3) : start + 1]) is not None


def _clause_before(normalised: str, start: int, chinese: bool) -> str:
    """The clause right before ``start``: cut at the last clause break of either language."""
    before = normalised[max(0, start - _CUE_CONTEXT["zh" if chinese else "en"]) : start]
    cut = 0
    for breaks in (_CLAUSE_BREAK_ZH, _CLAUSE_BREAK_EN):
        for found in breaks.finditer(before):
            cut = max(cut, found.end())
    return before[cut:]


def _negates(clause: str) -> bool:
    """Whether the clause before a cue (:func:`_clause_before`) rules the cue out."""
    return _NEGATION_ZH.search(clause) is not None or _NEGATION_EN.search(clause) is not None


def _about_someone_else(
    normalised: str, start: int, chinese: bool, clause: str, signal: str
) -> bool:
    """Whether the words before a cue at ``start`` make it the news's story, another
    person's incident heard of (a safety or media cue), an outlet read (a media cue) or
    another person's job rather than the customer's own step. The job is read in the clause
    before the cue; the rest too, but in Chinese back to the sentence's start, which the
    clause reader's short window does not reach."""
    if signal in _JOB_SIGNALS and _SOMEONE_ELSES_JOB.search(clause) is not None:
        return True
    if signal in _REPORTED_SIGNALS:
        telling = _IN_THE_NEWS
    elif signal in _HEARD_OF_SIGNALS:
        telling = _HEARSAY
    else:
        return False
    if chinese:
        window = _PUNCTUATION.split(normalised[max(0, start - _NEWS_CONTEXT_ZH) : start])[-1]
    else:
        window = clause
    if signal == "media" and _OUTLET_READ.search(window):
        return True
    return telling.search(window) is not None


def _hazard_over(normalised: str, end: int, chinese: bool) -> bool:
    """Whether the words right after a safety cue ending at ``end`` say the hazard is over."""
    window = _HAZARD_OVER_CONTEXT["zh" if chinese else "en"]
    return _HAZARD_OVER.search(normalised, end, end + window) is not None


def _threat_withdrawn(normalised: str, start: int, end: int, chinese: bool, signal: str) -> bool:
    """Whether the words around a threat's cue (at ``start:end``) take it back: a refusal
    with the cue as its topic, a threat stopped, a workplace or the customer's own trade,
    a second thought, a step nearly taken and overtaken by events, or a refusal of the kind
    of customer who makes such threats."""
    language = "zh" if chinese else "en"
    after = normalised[end : end + _THREAT_CONTEXT[language]]
    if _WITHDRAWN_AFTER.search(after):
        return True
    before = normalised[max(0, start - _THREAT_CONTEXT[language]) : start]
    if _SECOND_THOUGHT_BEFORE.search(before) and _SECOND_THOUGHT_AFTER.search(after):
        return True
    later = normalised[end : end + _NEARLY_CONTEXT[language]]
    if _NEARLY_BEFORE.search(before) and _OVERTAKEN_AFTER.search(later):
        return True
    if _ADVICE_BEFORE.search(before) and _DECLINED_AFTER.search(later):
        return True
    if _TAKEN_BACK_LATER.search(normalised, end, end + _TAKEN_BACK_CONTEXT[language]):
        return True
    own_trade = signal in _JOB_SIGNALS and _OWN_JOB_BEFORE.search(before) is not None
    if own_trade and _SET_ASIDE_AFTER.search(normalised[end : end + _SET_ASIDE_CONTEXT]):
        return True
    return _NOT_THAT_KIND_BEFORE.search(before) is not None


def crisis_rule_terms(item: AnalysedText, negated: set[str] | None = None) -> dict[str, list[str]]:
    """Crisis cues per signal, leaving out cues whose every occurrence is negated, for a
    regulator named in English cites its rules, for a regulator or a lawsuit retells the
    news, for a hazard or the media retells another's incident or names an outlet read, for
    the media or a lawyer names another person's job, or for a threat is taken back by the
    words around it (:func:`_threat_withdrawn`).

    ``negated``, when given, receives the signals that were named only in such ruled-out
    occurrences.
    """
    crisis_hits = [hit for hit in item.hits if hit.key.startswith(_CRISIS_PREFIX)]
    if not crisis_hits:
        return {}
    found: dict[str, list[str]] = {}
    ruled_out: set[str] = set()
    text = item.normalised
    may_be_negated = _NEGATION_HINT.search(text) is not None
    # A term named twice (or under two signals) gets one verdict per signal.
    verdicts: dict[tuple[str, str], bool] = {}
    for hit in crisis_hits:
        signal = hit.key[len(_CRISIS_PREFIX) :]
        # Any regulator's name, English or Chinese: "我睇過通訊辦網站上面嘅指引".
        rules_named = signal == "regulator"
        if may_be_negated or rules_named or signal in _THREAT_SIGNALS or signal == "safety":
            verdict = verdicts.get((hit.term, signal))
            if verdict is None:
                verdict = verdicts[(hit.term, signal)] = _every_occurrence_ruled_out(
                    text,
                    hit.term,
                    negation=may_be_negated,
                    rules_named=rules_named,
                    signal=signal,
                )
            if verdict:
                ruled_out.add(signal)
                continue
        found.setdefault(signal, []).append(hit.term)
    if negated is not None:
        negated.update(ruled_out - found.keys())
    return found


def _every_occurrence_ruled_out(
    text: str, term: str, *, negation: bool, rules_named: bool = False, signal: str = ""
) -> bool:
    """Whether every occurrence of ``term`` is negated (``negation``), for a regulator named
    (``rules_named``) cites its rules rather than threatens it, or (``signal``)
    is someone else's news or job or a threat taken back."""
    # An English term matches whole words (the lexicon's rule): "tio" inside "international"
    # is no occurrence of it (and would otherwise keep a negated "not going to the TIO" alive).
    whole_word = is_english_term(term)
    occurrences = 0
    start = text.find(term)
    while start >= 0:
        if not (whole_word and start > 0 and _WORD_CHAR.match(text[start - 1])):
            occurrences += 1
            cited = rules_named and _REGULATOR_RULES_CITED.match(text, start + len(term))
            # An English cue running into digits is part of a code: "serial TVB2-00819244".
            in_code = whole_word and _DIGIT.match(text, start + len(term)) is not None
            if not (cited or in_code):
                # One clause read per occurrence serves the negation and the news/job checks.
                chinese = _reads_chinese(text, start)
                clause = _clause_before(text, start, chinese)
                if not (
                    (negation and _negates(clause))
                    or _about_someone_else(text, start, chinese, clause, signal)
                    or (signal == "safety" and _hazard_over(text, start + len(term), chinese))
                    or (
                        signal in _THREAT_SIGNALS
                        and _threat_withdrawn(text, start, start + len(term), chinese, signal)
                    )
                ):
                    return False
        start = text.find(term, start + len(term))
    return occurrences > 0


def rules_fingerprint(lexicon: Lexicon, sources: Sequence[Path] | None = None) -> str:
    """SHA-256 of the lexicon and the rule sources (default: :data:`RULE_SOURCES`): equal
    fingerprints, equal rules."""
    digest = hashlib.sha256(lexicon.fingerprint.encode("ascii"))
    digest.update(_shipped_sources_digest() if sources is None else _digest_of(sources))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _shipped_sources_digest() -> bytes:
    # Read once: the package's sources do not change under a running process.
    return _digest_of(RULE_SOURCES)


def _digest_of(sources: Sequence[Path]) -> bytes:
    digest = hashlib.sha256()
    for path in sources:
        digest.update(f"|{path.name}|".encode())
        digest.update(path.read_bytes())
    return digest.digest()


class RuleBasedTriager:
    """Triage by lexicon hits and the shape of the text."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        # "rules-" and the rules' fingerprint: results name the lexicon and rules that made them.
        self.version = f"rules-{rules_fingerprint(self.lexicon)[:10]}"

    def category(self, item: AnalysedText, industry: str) -> tuple[str, float]:
        counts = Counter(hit.key for hit in item.hits)
        labels = [
            label for label in CATEGORIES.get(industry, CATEGORIES["telecom"]) if label != "other"
        ]
        label, share = _pick(counts, f"category.{industry}", [*labels, "other"], "other")
        return label, share * 0.6

    def category_explanation(self, item: AnalysedText, industry: str, category: str) -> list[str]:
        key = f"category.{industry}.{category}"
        return [f"{hit.term} [{key}]" for hit in item.hits if hit.key == key][:4]

    def predict(
        self, texts: Sequence[str], industry: str | Sequence[str] = "telecom"
    ) -> list[TriageResult]:
        industries = [industry] * len(texts) if isinstance(industry, str) else list(industry)
        results = []
        for text, row_industry in zip(texts, industries, strict=True):
            masked = pii.mask(text)
            item = analyse(pii.contact_details_dropped(masked), self.lexicon)
            results.append(self._triage(item, masked, row_industry))
        return results

    def _triage(self, item: AnalysedText, masked: pii.MaskResult, industry: str) -> TriageResult:
        counts = Counter(hit.key for hit in item.hits)
        rule_terms = crisis_rule_terms(item)
        signals = [signal for signal in CRISIS_SIGNALS if signal in rule_terms]
        category, category_confidence = self.category(item, industry)
        exclamations = item.normalised.count("!")
        if exclamations >= 2:
            counts["emotion.anger"] += 1
            counts["behaviour.angry"] += 1
        if signals or counts.get("nature.major"):
            nature = "major"
        elif counts.get("nature.urgent"):
            nature = "urgent"
        else:
            nature = "general"
        emotion, emotion_confidence = _pick(
            counts, "emotion", ("anger", "anxiety", "disappointment"), "neutral"
        )
        motive, motive_confidence = _pick(
            counts, "motive", ("compensation", "improvement", "respect", "vent"), "improvement"
        )
        if signals or counts.get("behaviour.activist"):
            behaviour, behaviour_confidence = "activist", 0.5
        else:
            length = len(item.normalised)
            default = "talker" if length >= 200 else "passive" if length < 40 else "angry"
            behaviour, behaviour_confidence = _pick(
                counts, "behaviour", ("angry", "talker", "passive"), default
            )
        no_subject = names_no_subject(item.normalised)
        explanations = {
            "category": [NO_SUBJECT_EXPLANATION]
            if no_subject
            else self.category_explanation(item, industry, category),
            "crisis": [f"{signal}: " + ", ".join(rule_terms[signal]) for signal in signals],
        }
        return TriageResult(
            lang=item.language,
            category=category,
            category_confidence=round(category_confidence, 4),
            nature=nature,
            emotion=emotion,
            motive=motive,
            behaviour=behaviour,
            crisis=bool(signals),
            crisis_signals=signals,
            masked_text=masked.masked_text,
            needs_triage=no_subject or category_confidence < _NEEDS_TRIAGE_BELOW,
            confidences={
                "category": round(category_confidence, 4),
                "emotion": round(emotion_confidence, 4),
                "motive": round(motive_confidence, 4),
                "behaviour": round(behaviour_confidence, 4),
            },
            explanations=explanations,
            personal_data=sorted({span.kind for span in masked.spans}),
            model_version=self.version,
        )
