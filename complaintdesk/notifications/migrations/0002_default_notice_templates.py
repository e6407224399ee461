"""The default notice templates in Simplified Chinese and English (SPEC §5 reply principles).

Objective and sincere, in plain words, with a specific apology and a clear next step and
time. Each purpose has a full text (e-mail and the customer portal) and a short SMS text.
The texts are written out here, so this migration keeps producing the same rows; administrators
edit them in the admin afterwards.
"""

from django.db import migrations

ZH = "zh-hans"
EN = "en"
DEAR_ZH = '尊敬的{{ customer_name|default:"客户" }}:\n\n您好!'
DEAR_EN = 'Dear {{ customer_name|default:"customer" }},\n\n'
HI_ZH = '{{ customer_name|default:"客户" }}您好,'

# (purpose, language, subject, full text, SMS text)
TEXTS = [
    (
        "acknowledgement",
        ZH,
        "您的投诉已受理(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "您反映的“{{ subject }}”我们已经收到并正式受理,受理编号为 {{ tracking_number }}。"
        "这件事给您带来了不便,我们深表歉意。\n\n"
        "{% if due_at %}我们会立即着手处理,预计在 {{ due_at }} 前给您处理结果;"
        "处理过程中有任何进展,我们都会及时告诉您。"
        "{% else %}我们会立即着手处理,有任何进展都会及时告诉您。{% endif %}\n\n"
        "如需补充情况或查询进度,请联系 {{ handler_contact }},并告知受理编号 {{ tracking_number }}。"
        "{% if link %}您也可以打开 {{ link }},输入受理编号和手机号后四位查询处理状态。{% endif %}\n\n"
        "感谢您的信任与耐心。",
        HI_ZH + "您反映的问题已受理,受理编号{{ tracking_number }},给您带来不便深表歉意。"
        "{% if due_at %}我们预计在{{ due_at }}前给您答复。{% endif %}咨询请联系{{ handler_contact }}。",
    ),
    (
        "acknowledgement",
        EN,
        "We have received your complaint ({{ tracking_number }})",
        DEAR_EN
        + 'Thank you for telling us about "{{ subject }}". We have registered your complaint '
        "under the tracking number {{ tracking_number }}, and we are sorry for the trouble it "
        "has caused you.\n\n"
        "{% if due_at %}We are looking into it now and expect to give you a result by "
        "{{ due_at }}. We will keep you informed as things move."
        "{% else %}We are looking into it now and will keep you informed as things move."
        "{% endif %}\n\n"
        "If you want to add anything or ask how it is going, contact {{ handler_contact }} and "
        "quote {{ tracking_number }}.{% if link %} You can also check the status at {{ link }} "
        "with the tracking number and the last four digits of your phone number.{% endif %}\n\n"
        "Thank you for your patience.",
        'Dear {{ customer_name|default:"customer" }}, we have registered your complaint as '
        "{{ tracking_number }} and are sorry for the trouble.{% if due_at %} Expect a result by "
        "{{ due_at }}.{% endif %} Questions: {{ handler_contact }}.",
    ),
    (
        "progress",
        ZH,
        "投诉处理进展(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "关于您反映的“{{ subject }}”(受理编号 {{ tracking_number }}),目前的处理进展如下:\n\n"
        "{{ note }}\n\n"
        "{% if due_at %}我们预计在 {{ due_at }} 前处理完毕。{% endif %}"
        "问题还没有彻底解决,让您久等了,非常抱歉。"
        "{% if handler_name %}您的投诉由{{ handler_name }}负责跟进。{% endif %}"
        "如有疑问,请联系 {{ handler_contact }}。\n\n"
        "我们会持续跟进,有新进展将第一时间告诉您。",
        HI_ZH + "您的投诉{{ tracking_number }}最新进展:{{ note }}"
        "{% if due_at %} 预计{{ due_at }}前处理完毕。{% endif %}让您久等了,抱歉。"
        "咨询请联系{{ handler_contact }}。",
    ),
    (
        "progress",
        EN,
        "Progress on your complaint {{ tracking_number }}",
        DEAR_EN
        + 'Here is where we are with "{{ subject }}" (tracking number {{ tracking_number }}):\n\n'
        "{{ note }}\n\n"
        "{% if due_at %}We expect to have it resolved by {{ due_at }}. {% endif %}"
        "We are sorry it is taking time. "
        "{% if handler_name %}{{ handler_name }} is looking after your complaint. {% endif %}"
        "If you have any questions, contact {{ handler_contact }}.\n\n"
        "We will tell you as soon as there is more news.",
        "Complaint {{ tracking_number }} update: {{ note }}"
        "{% if due_at %} Expected resolution: {{ due_at }}.{% endif %} Sorry for the wait. "
        "Questions: {{ handler_contact }}.",
    ),
    (
        "info_needed",
        ZH,
        "请补充投诉相关信息(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "为了尽快处理您反映的“{{ subject }}”(受理编号 {{ tracking_number }}),"
        "我们还需要您提供以下信息:\n\n"
        "{{ note }}\n\n"
        "请通过 {{ handler_contact }} 提交,并注明受理编号 {{ tracking_number }}。"
        "收到后我们会马上继续处理。给您添麻烦了,感谢您的配合。",
        HI_ZH + "为处理您的投诉{{ tracking_number }},还需要您提供:{{ note }} "
        "请发送至{{ handler_contact }}并注明受理编号。给您添麻烦了,感谢配合!",
    ),
    (
        "info_needed",
        EN,
        "We need a little more information ({{ tracking_number }})",
        DEAR_EN
        + 'To resolve "{{ subject }}" (tracking number {{ tracking_number }}) we need the '
        "following from you:\n\n"
        "{{ note }}\n\n"
        "Please send it to {{ handler_contact }} and quote {{ tracking_number }}. We will carry "
        "on as soon as it arrives. We are sorry for the extra step, and thank you for your help.",
        "To resolve complaint {{ tracking_number }} we need: {{ note }} Please send it to "
        "{{ handler_contact }} quoting the number. Sorry for the extra step, and thank you.",
    ),
    (
        "result",
        ZH,
        "投诉处理结果(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "您反映的“{{ subject }}”(受理编号 {{ tracking_number }})已处理完毕,处理结果如下:\n\n"
        "{{ note }}\n\n"
        "这次的问题给您造成了困扰,我们再次诚恳致歉,并会以此改进相关工作。"
        "如您对处理结果有疑问或仍不满意,请联系 {{ handler_contact }},我们会认真倾听并重新跟进。\n\n"
        "感谢您的理解与支持!",
        HI_ZH + "您的投诉{{ tracking_number }}已处理完毕:{{ note }} "
        "再次向您致歉。如有疑问请联系{{ handler_contact }}。",
    ),
    (
        "result",
        EN,
        "The result of your complaint {{ tracking_number }}",
        DEAR_EN
        + 'We have finished handling "{{ subject }}" (tracking number {{ tracking_number }}). '
        "This is the result:\n\n"
        "{{ note }}\n\n"
        "We apologise again for the trouble this caused you, and we will use what we learned "
        "to improve. If anything in this result is unclear, or it does not solve the problem "
        "for you, contact {{ handler_contact }} and we will take it up again.\n\n"
        "Thank you for your understanding.",
        "Complaint {{ tracking_number }} is resolved: {{ note }} We apologise again for the "
        "trouble. Questions: {{ handler_contact }}.",
    ),
    (
        "suggestion_thanks",
        ZH,
        "感谢您的宝贵建议(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "感谢您就“{{ subject }}”向我们提出建议(受理编号 {{ tracking_number }})。"
        "{% if note %}\n\n{{ note }}{% endif %}\n\n"
        "您的建议已转交相关部门研究,将作为我们改进服务的重要参考。"
        "如有进一步的想法,欢迎随时联系 {{ handler_contact }}。\n\n"
        "再次感谢您对我们工作的关心与支持!",
        HI_ZH + "感谢您的宝贵建议(编号{{ tracking_number }}),"
        "我们已转交相关部门研究改进。{% if note %}{{ note }}{% endif %}",
    ),
    (
        "suggestion_thanks",
        EN,
        "Thank you for your suggestion ({{ tracking_number }})",
        DEAR_EN
        + 'Thank you for your suggestion about "{{ subject }}" (reference {{ tracking_number }}).'
        "{% if note %}\n\n{{ note }}{% endif %}\n\n"
        "We have passed it to the team concerned, and it will count in how we improve our "
        "service. If you have more ideas, contact {{ handler_contact }} at any time.\n\n"
        "Thank you for taking the time to help us.",
        "Thank you for your suggestion ({{ tracking_number }}). We have passed it to the team "
        "concerned to improve our service.{% if note %} {{ note }}{% endif %}",
    ),
    (
        "survey",
        ZH,
        "邀请您评价本次投诉处理(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "您反映的“{{ subject }}”(受理编号 {{ tracking_number }})已处理完毕。"
        "为了改进我们的服务,诚邀您花一两分钟评价本次处理:\n\n"
        "{{ link }}\n\n"
        "该链接仅供您本人使用一次{% if due_at %},请在 {{ due_at }} 前填写{% endif %}。"
        "您的每一条意见我们都会认真对待。感谢您的支持!",
        HI_ZH + "您的投诉{{ tracking_number }}已处理完毕,诚邀您评价:{{ link }} "
        "(仅限本人使用一次{% if due_at %},{{ due_at }}前有效{% endif %})感谢支持!",
    ),
    (
        "survey",
        EN,
        "How did we do? ({{ tracking_number }})",
        DEAR_EN
        + 'We have finished handling "{{ subject }}" (tracking number {{ tracking_number }}). '
        "Would you spend a minute or two telling us how we did?\n\n"
        "{{ link }}\n\n"
        "The link is for you alone and works once{% if due_at %}, until {{ due_at }}{% endif %}. "
        "We read every answer. Thank you.",
        "Complaint {{ tracking_number }} is resolved. Tell us how we did: {{ link }} "
        "(for you only, works once{% if due_at %}, until {{ due_at }}{% endif %}). Thank you.",
    ),
    (
        "compensation_offer",
        ZH,
        "关于您投诉的补偿方案(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "“{{ subject }}”(受理编号 {{ tracking_number }})给您造成了损失和不便,我们深表歉意。"
        "经核实,我们为您准备了以下补偿:{{ amount }}。"
        "{% if note %}\n\n{{ note }}{% endif %}\n\n"
        "如您同意该方案,请通过以下链接确认;如不接受或有其他想法,也可以在该页面告诉我们:\n\n"
        "{{ link }}\n\n"
        "{% if due_at %}请在 {{ due_at }} 前回复。{% endif %}如有疑问,请联系 {{ handler_contact }}。",
        HI_ZH + "就投诉{{ tracking_number }}给您带来的不便,我们为您提供补偿:{{ amount }}。"
        "确认或答复请点击:{{ link }}{% if due_at %}(请于{{ due_at }}前){% endif %}",
    ),
    (
        "compensation_offer",
        EN,
        "Our offer to make up for it ({{ tracking_number }})",
        DEAR_EN
        + 'We are sorry for the loss and inconvenience "{{ subject }}" (tracking number '
        "{{ tracking_number }}) caused you. Having looked into it, we would like to offer you: "
        "{{ amount }}.{% if note %}\n\n{{ note }}{% endif %}\n\n"
        "If you agree, please confirm through this link; if you do not, or would like something "
        "else, you can tell us on the same page:\n\n"
        "{{ link }}\n\n"
        "{% if due_at %}Please reply by {{ due_at }}. {% endif %}If you have any questions, "
        "contact {{ handler_contact }}.",
        "For the trouble with complaint {{ tracking_number }} we offer you {{ amount }}. "
        "To accept or reply: {{ link }}{% if due_at %} (by {{ due_at }}){% endif %}",
    ),
    (
        "follow_up",
        ZH,
        "回访:您的问题是否已彻底解决?(受理编号 {{ tracking_number }})",
        DEAR_ZH
        + "前段时间您反映的“{{ subject }}”(受理编号 {{ tracking_number }})已处理完毕。"
        "我们想了解一下:问题是否已经彻底解决,没有再次出现?"
        "{% if note %}\n\n{{ note }}{% endif %}\n\n"
        "{% if link %}请通过以下链接告诉我们:{{ link }}\n\n{% endif %}"
        "如问题再次出现,请直接联系 {{ handler_contact }} 并告知受理编号,我们会立即重新处理。"
        "感谢您一直以来的支持!",
        HI_ZH + "您之前反映的问题(编号{{ tracking_number }})是否已彻底解决?"
        "如再次出现请联系{{ handler_contact }},我们将立即处理。"
        "{% if link %}反馈:{{ link }}{% endif %}",
    ),
    (
        "follow_up",
        EN,
        "Is everything working now? ({{ tracking_number }})",
        DEAR_EN
        + 'Some time ago we resolved "{{ subject }}" (tracking number {{ tracking_number }}). '
        "We would like to know: is the problem fully solved, and has it stayed that way?"
        "{% if note %}\n\n{{ note }}{% endif %}\n\n"
        "{% if link %}Please tell us here: {{ link }}\n\n{% endif %}"
        "If it has come back, contact {{ handler_contact }} with the tracking number and we "
        "will act at once. Thank you for staying with us.",
        "Is the problem from complaint {{ tracking_number }} fully solved? If it has come back, "
        "contact {{ handler_contact }} and we will act at once.{% if link %} Tell us: {{ link }}"
        "{% endif %}",
    ),
]


def rows():
    for purpose, language, subject, body, sms in TEXTS:
        yield {"purpose": purpose, "language": language, "channel": "", "subject": subject,
               "body": body}
        yield {"purpose": purpose, "language": language, "channel": "sms", "subject": subject,
               "body": sms}


def add_templates(apps, schema_editor):
    NoticeTemplate = apps.get_model("notifications", "NoticeTemplate")
    for row in rows():
        key = {k: row[k] for k in ("purpose", "language", "channel")}
        NoticeTemplate.objects.get_or_create(**key, defaults=row)


def remove_templates(apps, schema_editor):
    NoticeTemplate = apps.get_model("notifications", "NoticeTemplate")
    for row in rows():
        NoticeTemplate.objects.filter(
            purpose=row["purpose"], language=row["language"], channel=row["channel"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(add_templates, remove_templates)]
