"""Every head on complaints that are not in the training corpus."""

import numpy as np
import pytest
from sklearn.metrics import f1_score

from complaintdesk.triage.engine import (
    collect_evaluation_examples,
    collect_training_examples,
    predict,
)
from complaintdesk.triage.engine.rules import RuleBasedTriager
from complaintdesk.triage.tests.unseen_telecom import UNSEEN_TELECOM

HEAD_COLUMNS = {"category": 1, "nature": 2, "emotion": 3, "motive": 4, "behaviour": 5}
# The targets are 0.85 / 0.70 on an independent set; sixty texts are a small sample,
# so these floors sit a little lower to stay stable while still catching a broken head.
MINIMUM_MACRO_F1 = {
    "category": 0.80,
    "nature": 0.60,
    "emotion": 0.60,
    "motive": 0.60,
    "behaviour": 0.60,
}


@pytest.fixture(scope="module")
def unseen_results(shipped_model):
    return shipped_model.predict([row[0] for row in UNSEEN_TELECOM], "telecom")


def test_unseen_texts_are_not_in_the_corpus():
    corpus_texts = {example.text.strip() for example in collect_training_examples()}
    assert not corpus_texts & {row[0] for row in UNSEEN_TELECOM}


@pytest.mark.parametrize("head", HEAD_COLUMNS)
def test_head_generalises_to_unseen_telecom_complaints(head, unseen_results):
    truth = [row[HEAD_COLUMNS[head]] for row in UNSEEN_TELECOM]
    predicted = [getattr(result, head) for result in unseen_results]
    score = f1_score(truth, predicted, average="macro", labels=sorted(set(truth)), zero_division=0)
    assert score >= MINIMUM_MACRO_F1[head], (head, round(score, 3))


def _crisis_counts(unseen_results):
    truth = [bool(row[6]) for row in UNSEEN_TELECOM]
    predicted = [result.crisis for result in unseen_results]
    true_positive = sum(t and p for t, p in zip(truth, predicted, strict=True))
    return true_positive, sum(truth), sum(predicted)


def test_crisis_recall_on_unseen_complaints(unseen_results):
    true_positive, actual, _ = _crisis_counts(unseen_results)
    assert true_positive / actual >= 0.9


def test_crisis_precision_on_unseen_complaints(unseen_results):
    true_positive, _, predicted = _crisis_counts(unseen_results)
    assert true_positive / predicted >= 0.8


def test_named_crisis_signals_match_the_text(unseen_results):
    for row, result in zip(UNSEEN_TELECOM, unseen_results, strict=True):
        assert result.crisis == bool(result.crisis_signals)
        if result.crisis and row[6]:
            assert set(row[6]) & set(result.crisis_signals), row[0]


def test_result_carries_confidences_explanations_and_masked_text(shipped_model):
    [result] = shipped_model.predict(["我的号码13812345678这个月被多扣了88元话费,马上退给我!"])
    assert result.category == "billing"
    assert result.masked_text == "我的号码[PHONE]这个月被多扣了88元话费,马上退给我!"
    assert result.personal_data == ["phone"]
    assert 0.0 < result.category_confidence <= 1.0
    assert result.explanations["category"]
    assert result.model_version == shipped_model.version


CONTACT_DETAILS_AFTER_THE_COMPLAINT = [
    (
        "家里宽带断网两天了。姓名张伟，身份证号110101199003074514，地址北京市朝阳区建国路88号2号楼1203室，"
        "邮箱zhangwei@163.com",
        "network",
    ),
    (
        "No signal at home for 3 days. My ID is 110101199003074514, address 12 Baker Street, "
        "London NW1 6XE, email john@gmail.com",
        "network",
    ),
    (
        "话费多扣了30元。身份证110101199003074514，地址广州市天河区天河路385号，邮箱li@qq.com",
        "billing",
    ),
]


@pytest.mark.parametrize(("text", "category"), CONTACT_DETAILS_AFTER_THE_COMPLAINT)
def test_contact_details_do_not_make_a_complaint_about_privacy(shipped_model, text, category):
    # QA: an outage followed by the customer's ID, address and e-mail read other.privacy.
    [result] = shipped_model.predict([text])
    assert result.category == category
    assert result.personal_data  # masked all the same


VAGUE_OPENINGS = [
    "你好,我想问一下。",
    "Hi, I have a question.",
    "喂,你好",
    "有个问题想咨询一下",
    "我想反映个情况",
    "Hello?",
    "請問一下",
]


def test_low_category_confidence_goes_to_the_needs_triage_queue(shipped_model):
    # An opening alone names no subject and is queued whatever its confidence (openings.py),
    # and it is read less surely than a complaint that names one.
    vague = shipped_model.predict(VAGUE_OPENINGS)
    assert all(result.needs_triage for result in vague)
    [clear] = shipped_model.predict(["家里宽带每天晚上断网,网速也很慢,请派人来修一下网络"])
    assert clear.category == "network"
    assert not clear.needs_triage
    assert max(result.category_confidence for result in vague) < clear.category_confidence


def test_category_confidence_is_calibrated_on_writers_the_model_never_saw(shipped_model):
    # The fixed evaluation set: independent writers' complaints, never trained on. Grouped in
    # tenths of confidence, each group's accuracy matches its confidence (expected
    # calibration error), and the mean confidence matches the accuracy. This is what the
    # queue's threshold relies on; bare openings carry no label to calibrate on (above).
    examples = [example for example in collect_evaluation_examples() if example.category]
    results = shipped_model.predict(
        [example.text for example in examples], [example.industry for example in examples]
    )
    confidence = np.array([result.category_confidence for result in results])
    correct = np.array(
        [
            result.category == example.category
            for result, example in zip(results, examples, strict=True)
        ]
    )
    tenths = np.minimum((confidence * 10).astype(int), 9)
    calibration_error = sum(
        abs(confidence[tenths == tenth].mean() - correct[tenths == tenth].mean())
        * (tenths == tenth).sum()
        for tenth in np.unique(tenths)
    ) / len(examples)
    assert len(examples) >= 1000
    assert calibration_error <= 0.04
    assert abs(confidence.mean() - correct.mean()) <= 0.04


def test_other_industry_presets_use_their_own_categories(shipped_model):
    [parcel] = shipped_model.predict(
        ["快递一直显示在运输中,十天了还没送到,物流也不更新"], "ecommerce"
    )
    assert parcel.category == "delivery"
    [car] = shipped_model.predict(
        ["新车提回来一个月发动机就有异响,4S店检查了两次还是没修好"], "automotive"
    )
    assert car.category in {"quality", "repair"}


def test_lexicon_rules_triage_without_any_model():
    rules = RuleBasedTriager()
    [result] = rules.predict(["我已经向工信部投诉了,你们乱扣话费,马上退钱!!"])
    assert result.category == "billing"
    assert result.crisis_signals == ["regulator"]
    assert result.nature == "major"
    assert result.behaviour == "activist"
    assert result.model_version == rules.version
    assert rules.version.startswith("rules-")


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ("三天内不处理,我就发微博曝光你们", ["media"]),
        ("我已經向NCC檢舉了,請盡快處理", ["regulator"]),
        ("If you don't fix it by Friday I'll go to the papers and Ofcom", ["media", "regulator"]),
        ("Don't make me take you to the small claims court over £18.", ["legal"]),
        ("I won't hesitate to contact Ofcom if this happens again.", ["regulator"]),
        ("我不想闹到媒体,也不打算去工信部,只想把钱退回来", []),
        ("I'm not going to the press or the ombudsman, just refund the £9.", []),
        ("客戶表示不想找媒體,也不打算向NCC申訴,只希望道歉", []),
        ("YouTube keeps buffering every evening and TikTok won't load either.", []),
        ("刷个抖音都卡,微博图片也加载不出来", []),
        ("Ring me today with an apology or it goes up on TikTok tonight.", ["media"]),
        ("Nobody in our office building can get online since 9am.", ["mass"]),
        ("I called twice and nobody in the office could explain my bill.", []),
        ("I have asked our family solicitor to act if the fee is not waived.", ["legal"]),
        ("整個科學園區附近的辦公大樓手機都打不出去", ["mass"]),
        ("公司約三百人受影響,到現在還沒恢復", ["mass"]),
        ("三百元的话费到底扣到哪里去了", []),
        ("網速慢到靠北,看個影片都在轉圈圈", []),
        ("Your contractor left a cable hanging at head height across the pavement.", ["safety"]),
        ("装宽带的线磨破了皮,孩子摸到被电了一下", ["safety"]),
        ("整个大学城晚上都上不了网,几万学生挤几个基站", ["mass"]),
        ("My 999 call dropped three times before it connected.", ["safety"]),
        ("There was a small spark at the power lead this morning.", ["safety"]),
        ("I shall raise a simple procedure claim in the Sheriff Court.", ["legal"]),
        ("I have already spoken to a solicitor about this bill.", ["legal"]),
        ("Already send the video to The Star, want full refund.", ["media"]),
        ("請即時停止滋擾,否則我會交由律師處理", ["legal"]),
        ("I already complained to 12315 about this.", ["regulator"]),
        ("充值订单号2024061812345,话费到现在还没到账", []),
        ("排隊已經係第38位,等咗25分鐘", []),
        ("家中長輩每天要看新聞台,機頂盒壞了", []),
        ("If it's not done by Monday I'm posting the full thread and tagging the news.", ["media"]),
        ("A neighbour tried to call an ambulance and the call would not connect.", ["safety"]),
        ("The technician smoked inside the house and shouted at my wife.", []),
        ("PTT已PO文:5G吃到飽過了50G就降速", ["media"]),
        ("新手机一周电池就膨胀了,把背盖都撑开", ["safety"]),
        ("二月、三月賬單仍然有$68家居電話月費", []),
        ("No network for the whole section for four days.", ["mass"]),
        # A consumer association is not a regulator: major by its channel, no signal.
        ("我已经向消协投诉了,你们等着消协的电话吧", []),
        ("本人已向消費者委員會登記投訴,請於十四日內處理", []),
        ("I've filed with the BBB and Citizens Advice.", []),
        ("I have sent a copy of this letter to the Better Business Bureau.", []),
        ("I've filed with the BBB and the state AG.", ["regulator"]),
        ("A copy of this letter has gone to the Office of Utilities Regulation.", ["regulator"]),
        ("My phone never shows 5G, at home or in the town centre.", []),
        # The regulator's referral form names neither 工信部 nor 12300.
        ("申诉转办单 申诉人:段先生 申诉事项:国际漫游费1986元,请企业依规处理", ["regulator"]),
        ("申訴人表示企業未告知保底消費條款,要求解約", ["regulator"]),
        ("投诉人要求退还费用,请贵公司十日内书面答复", []),
        ("视频已经5w播放了,评论区好多人都被这么坑过", ["media"]),
        ("这个视频我看了三遍还是不会设置路由器", []),
        ("昨晚整个XX区的宽带全挂了,小区群里都在骂", ["mass"]),
        ("整个晚上宽带都断断续续的", []),
        ("I feel unsafe giving my card details over the phone.", []),
        ("成棟樓問過晒,全部都冇網", ["mass"]),
        ("成個月都冇用過數據,點解收我錢", []),
        ("陳情人:林志明 陳情事由:合約期滿未經通知即自動續約", ["regulator"]),
        ("部機叉電嘅時候有陣燶味", ["safety"]),
        ("I've burned my whole lunch break on hold with you people.", []),
        ("The charger burnt my daughter's palm when she picked it up.", ["safety"]),
        ("The installer went outside to smoke at our front door.", []),
        ("Smoke came out of the router last night.", ["safety"]),
        ("The landline keeps crackling every time it rains.", []),
        ("The charger was crackling and smelled hot.", ["safety"]),
        ("EDIT: 14k reposts overnight. Still no call back.", ["media"]),
        ("I have 14 reasons and 2 kids to feed.", []),
        ("Cancel it free or I'll blow this up on TikTok.", ["media"]),
        ("《都市帮帮忙》栏目组来电,拟明天到营业厅采访", ["media"]),
        ("區內維修中,全座都係咁", ["mass"]),
        ("我们公司订了30台合约机,已经有9台闪屏", []),
        ("Our client campaign is going live on 7 October and the numbers still fail.", []),
        ("Refund me today or I'm going live on TikTok tonight.", ["media"]),
        ("小区两百多户宽带全断了", ["mass"]),
        ("再不解决我就把聊天记录全发出来让大家评评理", ["media"]),
        ("客服说让大家耐心等待,系统在升级", []),
        ("宽带续费一声招呼不打直接扣款,转发让大家都看看!", ["media"]),
        ("再唔改善我就拍片放上網俾大家睇", ["media"]),
        ("手机一放上网页就闪退,重启也没用", []),
        ("Caller says staff mocked his accent. Has posted the video online.", ["media"]),
        ("I shared the video with your support team yesterday.", []),
        ("Thread goes up tonight unless somebody actually calls me back.", ["media"]),
        ("So my bill goes up tomorrow by another $5?", []),
        ("Starting a TikTok series on every call I make until I get a refund.", ["media"]),
        ("Watching a TikTok series eats all my data by the 10th.", []),
        ("He said he's posting it on the neighborhood Facebook group.", ["media"]),
        ("Posting this so every woman in town knows which store to avoid.", ["media"]),
        ("市民来电反映其手机号被开通多项增值业务,要求退费", ["regulator"]),
        ("我们这些普通市民反映了多少次都没用,信号还是差", []),
        # Lexicon 2026.11.14
        ("各位續約之前問清楚,幫手share出去俾多啲人知", ["media"]),
        ("看到的帮忙扩散一下 #合约机 #避坑", ["media"]),
        ("麻烦请转发给技术部门处理,谢谢", []),
        ("《○○新聞網》讀者投書轉知:本網預計刊出該投書", ["media"]),
        ("Fix it this week or we call the TV people.", ["media"]),
        ("The TV keeps freezing and the news channels won't load.", []),
        ("I'd urge anyone tempted by the £150 cashback to read this first.", ["media"]),
        (
            "Says he'll put it all on Nextdoor and the local Facebook page if it isn't sorted.",
            ["media"],
        ),
        ("Router dead after 2 months, under warranty. Will complain to PTA", ["regulator"]),
        ("Refund both by Friday or I'm reporting you to ICASA.", ["regulator"]),
        ("Data price don increase again?? @NCCgov abeg look into this", ["regulator"]),
        ("高雄市政府消費者保護官 案件移請說明", ["regulator"]),
        ("請調查並告知處理結果,本人保留法律追訴權。", ["legal"]),
        ("如果查不出結果,我會提出刑事告訴。", ["legal"]),
        ("This is my 6th mail. Next stop consumer court.", ["legal"]),
        ("合約冇寫可以中途加價,否則我會交律師處理", ["legal"]),
        ("除非你哋兩星期內撤銷呢筆費用,否則律師會正式發信", ["legal"]),
        ("Fraud case opened already. Next is a case vs your company.", ["legal"]),
        ("Will file at the consumer claims tribunal if not settled.", ["legal"]),
        ("今天下午全市的4G是不是都挂了?电话打不出去", ["mass"]),
        ("多名住户来电,小区宽带从早上九点起中断", ["mass"]),
        ("客服那边多名同事都说不清楚怎么收的费", []),
        ("There's a Nextdoor thread with 60+ people in our subdivision saying the same.", ["mass"]),
        ("Her landline is dead and her pendant alarm works off it.", ["safety"]),
        ("婆婆的平安鐘要靠電話線,而家冇撥號音", ["safety"]),
        ("I called your careline 3 times about changing my billing address.", []),
        (
            "Your cable fell off the pole and is hanging low across the road, kids play there.",
            ["safety"],
        ),
        ("Rain got into the outlet and tripped the breaker twice.", ["safety"]),
        ("地下车库一点信号没有 上周有人在车库晕倒打不出120", ["safety"]),
        # Lexicon 2026.11.27
        ("新买的手机拍照曝光过度,夜景全白", []),
        ("再不退款我就去网上曝光你们", ["media"]),
        ("我刚发了条微博,大家都来评评理", ["media"]),
        ("我是做测评的,粉丝有30万,这次的经历我会拍成视频", ["media"]),
        ("截图已经分享破千了,留言全是同样被坑的", ["media"]),
        ("I run a channel with 120k subscribers and this is going in the next episode.", ["media"]),
        ("I have 12k followers and they will all hear about this.", ["media"]),
        (
            "Sort it today or I'm reporting you to the regulator and the papers.",
            ["media", "regulator"],
        ),
        ("Not going to the TIO over an international text, just fix the bill.", []),
        ("The MIIT referral asks for your written reply within five days.", ["regulator"]),
        ("Expect court proceedings if the default stays on my file.", ["legal"]),
        ("烟雾报警器一直响,是不是光猫的问题", []),
        ("路口那根电线杆被车撞歪了,线缆垂到马路上", ["safety"]),
        ("人行道上你们公司的井盖缺了一块,小孩差点踩空", ["safety"]),
        ("村卫生室的急救电话打不进来已经一天了", ["safety"]),
        ("被营业员一句话呛回来,态度太差", []),
        ("The battery has swollen so much the back cover lifted.", ["safety"]),
        ("My bill swelled to £90 with roaming I never used.", []),
        ("成個屋苑由朝早斷網到而家", ["mass"]),
        ("相機整片過曝,係咪部機壞咗", []),
        ("宽带进万家活动说免安装费,结果收了我100", []),
        ("Ofcom expects you to tell me when my contract ends, and you didn't.", []),
        ("I looked at the Ofcom coverage checker before signing up.", []),
        (
            "The FCC's rules are clear, and if you ignore them I'll complain to the FCC.",
            ["regulator"],
        ),
        ("I've told everyone I know to avoid your shop.", []),
        ("Everyone I know on Kestrel has had no data since noon.", ["mass"]),
        # Lexicon 2026.11.27b and the rules' news, job and Cantonese negation checks
        ("我唔想搞到要上報紙咁大陣仗,只係想你哋認真睇下", []),
        ("我唔係想告你哋,只係想知點樣opt out", []),
        ("我已經搵咗律師睇過,唔會俾呢筆錢", ["legal"]),
        ("職員仲叫佢「搵律師搞掂遺產承辦先再嚟」", []),
        ("刚看到新闻说工信部在整治套餐乱象,我这个套餐也被忽悠了", []),
        ("Saw on the news they got fined by the FCC. Clearly learned nothing.", []),
        ("我表哥在报社上班,他说最近很多人反映运营商涨价", []),
        ("My buddy's a reporter and even he couldn't work out your 'Unlimited*'.", []),
        ("No callback by 5pm and I'm filing with the CRTC.", ["regulator"]),
        ("I called the CRTC's general info line about this fee.", []),
        ("I have filed a report with the PDPC about the leak.", ["regulator"]),
        ("用户表示将走法律程序", ["legal"]),
        ("催收的话里话外说不缴要走法律程序", []),
        ("Our estate lawyer is now writing to your legal department.", ["legal"]),
        ("Not paying a cent, posting this everywhere till it's fixed.", ["media"]),
        ("Put me back or this goes to the News 4 consumer team.", ["media"]),
        ("I went to the newsagent to top up.", []),
        ("The transcript is pinned on my X profile, 300+ reposts so far.", ["media"]),
        ("I read 300 pages of terms.", []),
        ("我會喺你哋FB專頁日日出post", ["media"]),
        ("问了好几个邻居都这样,晚上网速跟蜗牛一样", ["mass"]),
        ("问了几个邻居都没问题,就我家不行", []),
        ("3到7栋从周一起宽带全断", ["mass"]),
        ("Is Music Unlimited broken for everyone? Nothing plays.", ["mass"]),
        ("Nobody on Kestrel could make a call from 7am to 5pm.", ["mass"]),
        ("Nobody on chat can explain the adjustments.", []),
        ("全台灣的星河用戶今天下午是不是都不能打電話", ["mass"]),
        ("It was the whole country, nobody could call for ten hours.", ["mass"]),
        ("They sold it as the best coverage in the whole country.", []),
        ("村口电线杆被货车撞断,光缆拖在马路中间", ["safety"]),
        ("充一晚上插头烫得吓人,插线板的插孔都黑了一块", ["safety"]),
        ("手机玩游戏有点烫,正常吗", []),
        ("Your tech left a coil of cable on the hallway floor and my husband tripped.", ["safety"]),
        ("My husband's heart monitor uploads through this line.", ["safety"]),
        # Lexicon 2026.11.27c
        ("再搞我就成件事post上連登", ["media"]),
        ("全部過程我都錄了,今天就PO網讓大家看", ["media"]),
        ("我想PO網路上的教學來問", []),
        ("Already emailed Channel 4's consumer team.", ["media"]),
        ("Taking this to the Irish Independent.", ["media"]),
        ("I'll take it to the post office tomorrow.", []),
        ("Release me free or I go to the PUC.", ["regulator"]),
        ("Fix by 5pm tomorrow or it goes to TDR.", ["regulator"]),
        ("I've filed a complaint with the Competition Bureau about the ad.", ["regulator"]),
        ("再扣一次我就直接去NCC檢舉你們!", ["regulator"]),
        ("市民来电:注销宽带被要求提供原始装机发票", ["regulator"]),
        ("诉求人称身份证被冒用办宽带,欠费影响征信", ["regulator"]),
        ("整条步行街的商户都没网", ["mass"]),
        ("整个部落的住户跟民宿都收不到讯号", ["mass"]),
        ("All 12 of us in the office are on your network and get under 2Mbps.", ["mass"]),
        ("Please move all 4 lines to the new plan.", []),
        ("Called 911 when my mom fell. Failed twice, no signal in the house.", ["safety"]),
        ("要跑到路口才打得出119", ["safety"]),
        ("我爸有裝遠距心律監測,要靠家裡網路把資料傳給醫院", ["safety"]),
        ("冷库温控远程监测掉线了", []),
        ("Northstar pole on Cedar Ln leaning over the road for 2 weeks.", ["safety"]),
        ("The pole position ad was misleading, I fell for it.", []),
        # Lexicon 2026.11.27d and the rules' withdrawn threats
        ("媒体我是不会去找的,把多收的钱退了就行", []),
        ("媒体我已经联系了,明天见报", ["media"]),
        ("我不是那种动不动就去工信部投诉的人,但这次太过分了", []),
        ("再拖下去我就去工信部投诉", ["regulator"]),
        ("我老公说要去法院起诉你们,被我劝住了", []),
        ("我本来想找律师的,后来想想算了,退钱就行", []),
        ("我在通信管理局上班,今天是以个人身份反映宽带问题", []),
        ("I'm not going to kick up a fuss on Facebook or go to the regulator, just fix it.", []),
        ("I thought about small claims court. Can't be bothered, just refund me.", []),
        ("Refund me today or it goes to small claims. Not worth my time waiting.", ["legal"]),
        ("Unless the credit is back on by Friday he'll take it to Ofcom.", ["regulator"]),
        ("I have retained counsel about the default on my credit file.", ["legal"]),
        ("我已经把录音发给东张西望", ["media"]),
        ("Sending the whole thread to every news station in town.", ["media"]),
        ("帖子发出去一天,已经三万多阅读了", ["media"]),
        ("这次一共扣了三万多,太离谱", []),
        ("评论区几百个人都说断网了", ["mass"]),
        ("不是个别现象,整个镇都断网了", ["mass"]),
        ("My mum is on home dialysis and the clinic calls her on this line.", ["safety"]),
        ("工人开咗个沙井冇围栏就走咗", ["safety"]),
        ("Your crew left an open trench across the footpath.", ["safety"]),
        ("The trench coat I left at the store is gone.", []),
        ("还不至于去找工信部,先给你们一次机会", []),
        ("A neighbour said I should go to Ofcom but I'd rather sort it with you.", []),
        ("I'm a reporter, but I'm writing as a customer: the router keeps dropping.", []),
        ("I'm a reporter with the Evening Post preparing a story on billing errors.", ["media"]),
        ("本人是电视台记者,但这次以个人身份反映宽带问题", []),
        ("刚刷到新闻说有家运营商乱涨价被通信管理局约谈了,我这个算不算", []),
        # Lexicon 2026.11.27e
        ("有冇人試過同一間舖?大家幫手推高佢,等佢哋公司睇到", ["media"]),
        ("條片放咗兩日已經兩萬幾view", ["media"]),
        ("兩萬幾蚊嘅手機一個月就壞", []),
        ("而家放上嚟俾大家睇下,以後小心啲", ["media"]),
        ("樓下街坊group已經有過百人講緊同一樣嘢", ["mass"]),
        ("我已預約下星期向香港海關舉報", ["regulator"]),
        ("我而家住緊庇護中心,你哋職員將我新地址講咗俾佢知", ["safety"]),
        ("I'm fleeing domestic violence and your staff read my address out loud.", ["safety"]),
        ("He has a restraining order and you sent him my new number.", ["safety"]),
        ("The restraining bolt on the dish mount is loose.", []),
        # Lexicon 2026.11.27f; another's incident heard of or read about; a step nearly taken
        ("这条已经被转了5000多次了,我不删", ["media"]),
        ("part 3 of me documenting this, 40k of you watched part 2", ["media"]),
        ("我已經打咗去1823投訴,叫佢哋轉介", ["regulator"]),
        ("If it's not refunded by Friday I'm filing on Money Claim Online.", ["legal"]),
        ("我阿爸裝咗心臟起搏器,屋企電話斷咗兩日", ["safety"]),
        ("部router有陣燶膠味,仲好熱", ["safety"]),
        ("看吧里有人说手机爆炸了,吓得我晚上都不敢充了", []),
        ("睇新聞話有人部手機充電時爆炸,我部機冇脹冇怪味", []),
        ("She'd seen on the BBC that there's a big outage in Scotland.", []),
        ("我看东森新闻说你们有系统错误重复扣款", []),
        ("早排睇on.cc見到有人話被電訊公司加價唔通知", []),
        ("我半夜突然看到路由器冒烟,吓死了", ["safety"]),
        ("It's a bit warm on top - not hot, no smell or smoke. Is that normal?", []),
        ("The charger sparked and there was smoke coming out of the plug.", ["safety"]),
        ("Went back to the Spark shop to return a faulty modem.", []),
        ("I bought a Spark 8 on instalments and it is locked.", []),
        ("There was a small spark at the power lead when I plugged it in.", ["safety"]),
        ("拍咗條片教大家睇清楚「免費送Router」嘅合約條款", ["media"]),
        ("我已經喺你哋Facebook專頁公開留言講晒成件事", ["media"]),
        ("已委請律師寄發存證信函,要求賠償", ["legal"]),
        ("我是○○新闻台记者,近日本台接获多名观众投诉", ["media"]),
        ("本来都准备打12300了,结果十分钟就给我退了", []),
        ("本来想去工信部投诉,后来你们经理道了歉", []),
        ("Thought about ringing the TIO but trying you first.", []),
        ("再不退钱我就打12300投诉", ["regulator"]),
        # Someone's advice turned down; the step judged not worth it; a workplace
        ("阿姐叫我去消委會同通訊辦投訴,但我只想你哋退返錢", []),
        ("我表弟说这种可以起诉你们,我不想搞那么复杂", []),
        ("My cousin says I could take you to small claims court but I just want the £40 back.", []),
        ("律师朋友说为了几十块打官司不划算", []),
        ("为了39块钱去起诉你?算了算了", []),
        ("我朋友在 NCC 上班,問問而已", []),
        ("我同学在电视台当记者,不过这次我只想要个道歉", []),
        ("朋友叫我去工信部投诉,我觉得应该去,明天就打", ["regulator"]),
        ("My cousin told me to go to Ofcom and I'm doing it today.", ["regulator"]),
        ("我表弟说这种可以起诉你们,我已经在准备材料了", ["legal"]),
        # Lexicon 2026.11.27g: many households, stalls or posts counted; a whole territory
        ("近兩星期內本處先後接獲十七戶住客投訴", ["mass"]),
        ("我哋呢度有二十幾攤都係用你哋嘅收款碼", ["mass"]),
        ("个案编号:CC-24-051236 商户:港汇电讯", []),
        ("全公司20多人都用貴公司門號", []),
        ("在板上搜一下,至少二十幾篇一樣的文", ["mass"]),
        ("打開 Threads 一看全台灣都在罵中華", ["mass"]),
        ("there's already 300+ comments on the megathread here with the same thing", ["mass"]),
        ("Gulfstream Cable down across half of Mobile County since last night.", ["mass"]),
        ("He's told half the office about the deal.", []),
        ("whole of Bridge St in Hebden down since 7am", ["mass"]),
        ("Cust one of many calling since the firmware push last night", ["mass"]),
        ("Property manager, 60 units, all tenants drop every night", ["mass"]),
        # Lexicon 2026.11.27h and the rules written from round 30
        ("Box serial TVB3-0042 keeps rebooting.", []),
        ("I'll be on TVB tonight.", ["media"]),
        ("Reported the shortcode to the Phone-paid Services Authority.", ["regulator"]),
        ("My channel has 95k subscribers and the video goes up on Monday.", ["media"]),
        ("The regulator's own website says a port takes one day.", []),
        ("I could raise it with Ofcom but honestly I'd rather not.", []),
        ("I said I'd go to the TIO but we didn't need to, you fixed it.", []),
        ("He said he'd sue us; after we swapped the phone he said forget the lawyer thing.", []),
        ("Asked which regulator to go to, then said she didn't want to take it that far.", []),
        ("这篇笔记我会一直更新,直到你们给个说法", ["media"]),
        ("希望大家帮忙转发,别再有人被坑", ["media"]),
        ("大家快啲check吓自己張單", ["media"]),
        ("截圖已經放咗上FB群組", ["media"]),
        ("今晚會在直播上跟觀眾講清楚", ["media"]),
        ("客户一度说要打12345,随后又说算了", []),
        ("本來想打去NCC,朋友說先給你們處理", []),
        ("我同事说要去找媒体曝光,我觉得没必要", []),
        ("客服说可以去工信部投诉,我没那闲工夫", []),
        ("客戶問可否向NCC申訴,表示只是先問問", []),
        ("朋友喺電視台做嘢", []),
        ("客人話冇煙、冇燶味", []),
        ("有冇記者跟吓?成個屋苑冇網", ["media", "mass"]),
        ("在網路上看到有人手機充電爆炸的影片", []),
        ("线被风吹断垂下来,工程人员已经收好了,现在没有危险", []),
        ("机柜冒烟起火,消防来了才扑灭", ["safety"]),
        ("電線甩咗落嚟,吊喺行人路上", ["safety"]),
        ("已經預約咗下個禮拜見律師", ["legal"]),
        # Lexicon 2026.11.28a and the rules written from round 31
        ("(抖音视频文案)我们村的信号塔坏了半个月", ["media"]),
        ("【小紅書】機場買的上網卡用兩天就斷", ["media"]),
        ("[r/ireland] Third price rise this year from my provider", ["media"]),
        ("(Facebook Messenger)你好,我想問個 plan 幾時到期", []),
        ("【Dcard 閒聊板】想問大家攜碼要多久", []),
        ("我把经过写成文章发在今日头条上了", ["media"]),
        ("帖子发了三天,已经两百多条评论", ["media"]),
        ("已经收到87条回复了,都是同一片断网", []),
        ("截圖我 post 咗上連登", ["media"]),
        ("转发的朋友们帮我扩散一下", ["media"]),
        ("開咗個 WhatsApp group,下個禮拜一齊交信", ["mass"]),
        ("網上見到通訊辦有投訴熱線,不過我覺得未去到嗰步", []),
        ("Back home I'd have gone to Ofcom by now, but I'd rather sort it out with you.", []),
        ("I know I could file with the FCC, honestly I don't care about that.", []),
        ("He said he'd see us in small claims, later said he won't be taking it any further.", []),
        ("這篇文章發出去,按讚已經破千", ["media"]),
        ("我 IG 有五萬多追蹤,會把經過做成限動", ["media"]),
        ("如貴公司堅持收費,本公司將委由律師處理", ["legal"]),
        ("社區信箱旁的電信箱門開著,有些線泡在水裡", ["safety"]),
        ("公告說系統異常,影響約 2.5 萬戶", ["mass"]),
        ("我們車隊群組八十幾個司機都說這邊收不到", ["mass"]),
        ("公司十几个司机都用你们的卡", []),
        ("好多人在留言區也在抱怨一樣的事", []),
        ("貼文底下留言很多人也在抱怨斷線", ["mass"]),
        ("我老公在旁邊說乾脆去告你們,我說告什麼,浪費時間", []),
        ("我上 NCC 網站看了一下,上面寫要先找業者", []),
        # Lexicon 2026.11.28b and the rules written from round 32
        ("I could put this on X tonight, but I won't. Just fix the bill.", []),
        ("I know I could go to the ombudsman, but honestly I just want the fee back.", []),
        ("My boss say make I report una for NCC but I no get time for that.", []),
        ("I saw on the TV news that ICASA fined two networks last year.", []),
        ("I was told 'go to the CCTS' if I'm unhappy. I'd rather sort it out with you.", []),
        ("I have now instructed Ms Reyes of a law firm in Makati to act for me.", ["legal"]),
        ("I have instructed my bank to stop the direct debit.", []),
        ("I've filed a complaint with the Office québécois de la langue française.", ["regulator"]),
        ("之前说要去工信部投诉,后来解决了,工信部那边就不去了", []),
        ("我當時話要入稟告你哋,後來你哋減咗月費,唔告喇", []),
        ("我去年向通信管理局申诉过,那件事已经了结了,今天只是提个建议", []),
        ("上次话要搵OFCA,后来你哋处理咗,所以冇去", []),
        ("我本身喺報館做嘢,但今次純粹以客戶身份寫信", []),
        ("佢有個friend喺報館做,但話唔想搞大", []),
        ("我已經喺Threads度講咗呢件事", ["media"]),
        ("我在家族群組分享了這件事", []),
        ("客户曾说要去工信部投诉,后经核实已解决,表示不会再去投诉", []),
        ("去年315不是刚曝光过乱扣费吗,你们还在干", []),
        ("楼下也慢,不知道是不是整栋楼的问题", []),
        ("客服来一句'不认可可以去工信部投诉',我就想要个明细", []),
        ("希望更多被坑的人看到这篇", ["media"]),
        ("儿子说要拍视频发到网上,被我当场制止了", []),
        ("電線桿倒過一次,不過早就修好了", []),
        ("我印象中 NCC 好像有規定可以解鎖", []),
        ("明天要去市議員服務處陳情", ["regulator"]),
        ("推 a: +1 一樣斷 / 推 b: 全島通 +1", ["mass"]),
        ("手機背蓋已經隆起,充電時很燙", ["safety"]),
        # Lexicon 2026.11.28c and the rules written from round 33
        ("我有個朋友喺私隱專員公署返工,佢話我可以投訴,但我暫時都係想你哋先答我", []),
        ("我個仔做律師,佢話呢啲小事告你哋都冇用", []),
        ("我知道可以去通訊辦投訴,但我冇時間搞", []),
        ("I had a look at what Ofcom does about this and honestly I can't face the forms.", []),
        ("My sister keeps saying we could sue, but I don't want a court case.", []),
        ("Someone on Reddit said to file in small claims. I'm not taking a day off for $40.", []),
        ("去年我因为别的事打过12300,你们后来处理得挺好,所以这次我先直接找你们", []),
        ("我正在跟公司打劳动仲裁,要调去年的通话记录", []),
        ("我唔會為咗幾百蚊搵律師同你哋打官司", []),
        ("個火牛曾經爆過火花,當時你哋即日派人換咗新嘅", []),
        ("The FCC broadband label on your site says 187 Mbps.", []),
        ("又中伏 回覆:又係佢 回覆:港連慣犯", ["media"]),
        ("已share去區內FB group", ["media"]),
        ("呢個post係俾未上台嘅人睇", ["media"]),
        ("有十幾萬個客戶嘅資料外洩", ["mass"]),
        ("学生会收到意见反映共计412条", ["mass"]),
        ("【人民网·领导留言板】手机卡补不了", ["regulator"]),
        ("The back of the phone's pushed out and it's really hot.", ["safety"]),
        ("911 won't connect from this phone, tried three times.", ["safety"]),
        # Lexicon 2026.11.28d and the rules written from round 34
        ("那时候真想找记者曝光,后来想想犯不着,你们内部处理就好", []),
        ("营业员说可以去法院告,可我们家现在没心思弄这些", []),
        ("客服:如有异议,您也可以通过法律途径解决 / 用户:你让我去起诉?我就想换个机", []),
        ("客服:这个您可以打12345问问 / 用户:怎么让我去找12345?又不是要投诉政府", []),
        ("工信部不是规定了不能强制捆绑吗,为什么还要我买宽带", []),
        ("上个月说要起诉你们,现在钱退了,我就不追究了", []),
        ("我本身是做记者的,但这次以个人身份投诉,不会写报道", []),
        ("我們看過通訊辦網頁,守則好像有寫要提前通知", []),
        ("客服說不滿可以去NCC申訴,但老闆意思是先跟貴公司談", []),
        ("我哋法律部睇過,認為唔需要向私隱專員公署通報", []),
        ("我已經在NCC網站陳情了", ["regulator"]),
        ("I withdrew my Ofcom complaint once you called me back.", []),
        ("I read the Ofcom switching guidance before I signed up.", []),
        ("I read in the Times that Ofcom has banned mid-contract rises.", []),
        ("Ex-BBC journalist, not a threat, just tired of the crackle on the line.", []),
        ("Citizens Advice said I could go to the ombudsman but life's too short.", []),
        ("I had a CISAS case in 2021 which was resolved, so I know the drill.", []),
        ("Got a small claims hearing next month against a different company, not you.", []),
        ("You'd get better service by smoke signals.", []),
        ("Everyone in my building is complaining about the outage on Facebook.", ["mass"]),
        ("There are 30-odd of us in the street thread with the same drops.", ["mass"]),
        ("這篇我也同步貼到社區粉專了", ["media"]),
        ("本來不想發文,但真的太誇張", ["media"]),
    ],
)
def test_crisis_cues_are_threats_or_reports_not_mentions(text, signals):
    # The guide: a signal is the customer's own threat, intention or report; a negated
    # action or an app used on the network is not one.
    [result] = RuleBasedTriager().predict([text])
    assert result.crisis_signals == signals


def test_predict_facade_adds_guidance_in_the_complaint_language(shipped_model):
    [result] = predict(["營業廳人員態度很差,我要求道歉"], model=shipped_model, with_guidance=True)
    assert result.guidance is not None
    assert result.guidance["behaviour"] == result.behaviour
    assert result.guidance["golden_four_steps"][0]["step"] == "倾听与确认"
