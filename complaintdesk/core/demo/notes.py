"""What staff write on a complaint's timeline, in Simplified Chinese and English.

Traditional Chinese notes are converted from the Simplified ones (OpenCC, Taiwan standard
characters), as staff in Hong Kong and Taiwan read and write them. Placeholders in braces are
filled per complaint: {amount} {credit} {cur} {gb} {date} {days} {dept}; {number} (this
complaint) and {ref} (another complaint) are filled only once tracking numbers exist.
"""

from __future__ import annotations

from functools import cache

import opencc

Templates = dict[str, tuple[str, ...]]

# Keyed by lifecycle step, then by language ("zh" or "en"), then by content subcategory or
# category where the text depends on it ("*" when it does not).
NOTES: dict[str, dict[str, Templates]] = {
    "register_staffed": {
        "zh": {
            "*": (
                "已向客户复述投诉内容并得到确认,告知受理编号{number},会在时限内回复。",
                "通话中已复述客户诉求,客户确认无误。已告知受理编号{number}及后续处理流程。",
                "客户到厅反映,已当面登记并复述要点,客户签字确认,受理编号{number}。",
            )
        },
        "en": {
            "*": (
                "Read the complaint back to the customer, who confirmed it. Gave reference "
                "{number} and explained the next steps.",
                "Summarised the issue to the customer and got confirmation. Reference {number} "
                "given.",
            )
        },
    },
    "register_digital": {
        "zh": {
            "*": (
                "已登记,受理回执及编号{number}已通过短信发送给客户。",
                "已核对客户身份并登记,受理编号{number}已推送至客户App消息中心。",
                "已登记并回复客户:您的投诉已受理,编号{number},我们会尽快与您联系。",
            )
        },
        "en": {
            "*": (
                "Registered; acknowledgement with reference {number} sent to the customer by SMS.",
                "Logged and acknowledged in the app inbox: reference {number}, we will be in touch "
                "shortly.",
            )
        },
    },
    "register_external": {
        "zh": {
            "*": (
                "收到外部转办单,已登记,受理编号{number}。注意外部单位回复时限。",
                "已登记转办件,编号{number},按重大投诉流程跟进,须在外部时限前书面回复。",
            )
        },
        "en": {
            "*": (
                "Referral received and registered as {number}. Note the external body's deadline.",
            )
        },
    },
    "assign": {
        "zh": {
            "*": (
                "转{dept}处理。",
                "涉及{dept}业务,已派单。",
                "按类别转{dept},请尽快联系客户。",
            )
        },
        "en": {"*": ("Routed to {dept}.", "Passed to {dept}; please call the customer today.")},
    },
    "start": {
        "zh": {
            "*": (
                "已电话联系客户,进一步了解情况,开始处理。",
                "已接单,正在调取客户业务记录核查。",
                "已与客户取得联系,向客户致歉并说明处理流程。",
            )
        },
        "en": {
            "*": (
                "Called the customer back to go through the details; investigating.",
                "Picked up; pulling the account history to check.",
                "Spoke to the customer, apologised and explained how we will handle it.",
            )
        },
    },
    "request_info": {
        "zh": {
            "billing": (
                "请提供有争议月份的详细账单截图或扣费短信,可在App「我的投诉」中上传或直接回复短信。",
                "为核实扣费情况,请提供您的身份证后四位及有争议的扣费时间,我们将调取详单核对。",
            ),
            "network": (
                "请提供信号差的详细地址(精确到楼栋和楼层)、常出现问题的时间段及手机型号,以便安排测试。",
                "请在出现断网时截图测速结果,并告知光猫指示灯状态,便于我们判断故障点。",
            ),
            "device.handset": (
                "请提供购机发票、手机IMEI号(拨*#06#可查)以及故障现象的照片或视频。",
            ),
            "device": ("请提供设备背面标签照片及故障时的指示灯状态照片,我们将安排检测。",),
            "product": (
                "请提供办理业务的时间、营业厅名称或工号,以及当时的宣传单页或短信截图。",
                "请提供合约协议照片或电子协议编号,以便核对当时约定的条款。",
            ),
            "service": (
                "请提供来电时间、所拨号码及接待人员工号(如有),以便我们调取录音核实。",
                "请告知到访营业厅的具体时间和地址,我们将调取监控和排队记录核实。",
            ),
            "other": (
                "请提供骚扰来电号码、来电时间及通话记录截图,以便我们核查信息泄露来源。",
                "请提供相关协议或书面材料的照片,法务部需核对后给出意见。",
            ),
        },
        "en": {
            "billing": (
                "Please send a screenshot of the disputed bill or the charge notification SMS; "
                "you can upload it under My Complaints in the app.",
                "Please confirm the dates of the charges you dispute so we can pull the itemised "
                "records.",
            ),
            "network": (
                "Please tell us the exact address (building and floor), the times the problem "
                "happens and your handset model so we can arrange a test.",
                "Next time the line drops, please take a speed-test screenshot and note which "
                "lights are on the modem.",
            ),
            "device.handset": (
                "Please send the purchase receipt, the IMEI (dial *#06#) and a photo or video of "
                "the fault.",
            ),
            "device": (
                "Please send a photo of the label on the back of the device and of its status "
                "lights.",
            ),
            "product": (
                "Please tell us when and where you signed up (shop or staff number) and send any "
                "leaflet or SMS with the offer.",
                "Please send a photo of the contract or its e-contract number so we can check the "
                "terms agreed.",
            ),
            "service": (
                "Please tell us the time of your call and the number you dialled (and the staff "
                "ID if you have it) so we can retrieve the recording.",
                "Please tell us which shop you visited and when, so we can check the queue "
                "records.",
            ),
            "other": (
                "Please send the numbers that called you, the times and a screenshot of the call "
                "log so we can trace the leak.",
                "Please send photos of the documents concerned; our legal team needs to review "
                "them.",
            ),
        },
    },
    "receive_info": {
        "zh": {
            "*": (
                "客户已补充材料,继续处理。",
                "已收到客户上传的截图,材料齐全。",
                "客户回电补充了所需信息,已记录。",
            )
        },
        "en": {
            "*": (
                "Customer sent the information; resuming.",
                "Screenshots received; we have what we need.",
                "Customer called back with the details; noted.",
            )
        },
    },
    "internal_note": {
        "zh": {
            "billing": (
                "已调取详单,{date}存在一笔未订购的扣费记录,需计费中心核实规则。",
                "核查发现套餐变更生效日设置错误,导致按旧资费计费。",
            ),
            "network": (
                "已查询网管,该小区附近基站近期告警频繁,已通知网优组。",
                "远程测试光路衰耗偏高,需安排装维上门。",
            ),
            "device": (
                "已联系厂家售后确认,该批次存在同类问题,可走换机流程。",
                "检测报告显示主板故障,非人为损坏,符合保修条件。",
            ),
            "product": (
                "调取办理录音,营业员未完整告知合约期限,存在告知不充分问题。",
                "查询订购记录,增值业务为第三方渠道订购,已要求合作方提供授权凭证。",
            ),
            "service": (
                "已调取录音,坐席确有语气生硬、未按规范解释的情况,已反馈班组长。",
                "核实当日营业厅系统故障导致排队时间过长,已要求门店完善应急预案。",
            ),
            "other": (
                "已请法务部评估,建议先行致歉并说明信息安全排查结果。",
                "已排查内部查询日志,未发现异常导出记录,继续核查合作渠道。",
            ),
        },
        "en": {
            "billing": (
                "Itemised bill shows a charge on {date} that the customer never ordered; billing "
                "centre to check the rule.",
                "The plan change was set to take effect a cycle late, so the old tariff applied.",
            ),
            "network": (
                "NOC shows repeated alarms on the nearest cell site; network optimisation "
                "informed.",
                "Remote line test shows high optical loss; a field visit is needed.",
            ),
            "device": (
                "Manufacturer's service centre confirms the same fault in this batch; swap is "
                "possible.",
                "Inspection report: mainboard fault, no user damage, covered by warranty.",
            ),
            "product": (
                "Sales recording shows the contract term was not fully explained.",
                "The add-on was ordered through a third-party channel; asked the partner for the "
                "consent record.",
            ),
            "service": (
                "Listened to the call: the agent was curt and did not explain the process; "
                "feedback given to the team lead.",
                "The shop's system was down that day, which caused the queue; shop asked to "
                "improve its fallback plan.",
            ),
            "other": (
                "Legal reviewed it: apologise first and explain what the security check found.",
                "Internal access logs show no unusual export; checking partner channels next.",
            ),
        },
    },
    "submit_plan": {
        "zh": {
            "billing": (
                "处理方案:退还多收费用{amount}元,另赠送{credit}元话费致歉;计费中心修正计费规则,{days}个工作日内完成。",
                "处理方案:按原宣传优惠重新计费,补退差价{amount}元,并书面向客户解释资费规则。",
            ),
            "network": (
                "处理方案:{days}日内安排网优工程师上门测试,必要时加装室分或调整天线;期间赠送{gb}GB流量补偿。",
                "处理方案:更换入户光缆及光猫,减免当月宽带费{amount}元,完成后三天内回访。",
            ),
            "device.handset": (
                "处理方案:按三包规定为客户办理换机,由终端部联系厂家,{days}个工作日内完成。",
                "处理方案:送厂家检测维修,维修期间提供备用机,费用由我方承担。",
            ),
            "device.broadband": ("处理方案:免费更换光猫/路由器,上门安装调试,并赠送{gb}GB流量。",),
            "product.vas": (
                "处理方案:退订未经同意的增值业务,退还已扣费用{amount}元,对合作渠道追责。",
            ),
            "product.porting": (
                "处理方案:核实合约及欠费情况后解除转网限制,{days}日内书面答复客户。",
            ),
            "product": ("处理方案:为客户办理套餐变更且不收取违约金,补偿{credit}元话费。",),
            "service": (
                "处理方案:向客户书面致歉,赠送{credit}元话费;涉事员工接受服务规范再培训。",
                "处理方案:由客服主管上门致歉,优化预约改约流程,赠送{gb}GB流量。",
            ),
            "other.privacy": (
                "处理方案:法务部出具书面说明,向客户致歉并赠送{credit}元话费,对泄露渠道开展专项排查。",
            ),
            "other": ("处理方案:按合同约定解除协议,不收取违约金,退还预存款余额{amount}元。",),
        },
        "en": {
            "billing": (
                "Plan: refund the overcharge of {cur}{amount} and add a {cur}{credit} goodwill "
                "credit; billing centre to fix the rule within {days} working days.",
                "Plan: re-rate the account at the advertised price, refund the difference of "
                "{cur}{amount} and explain the tariff in writing.",
            ),
            "network": (
                "Plan: network engineer to test on site within {days} days, add indoor coverage "
                "or re-aim the antenna if needed; {gb} GB data credit meanwhile.",
                "Plan: replace the drop cable and the modem, waive {cur}{amount} of this month's "
                "broadband fee, follow-up call within three days.",
            ),
            "device.handset": (
                "Plan: replace the handset under the warranty terms via the manufacturer within "
                "{days} working days.",
                "Plan: manufacturer repair at our cost, with a loan phone meanwhile.",
            ),
            "device.broadband": (
                "Plan: replace the router free of charge with an on-site install, plus {gb} GB "
                "data credit.",
            ),
            "product.vas": (
                "Plan: cancel the add-on the customer never agreed to, refund {cur}{amount}, "
                "follow up with the partner channel.",
            ),
            "product.porting": (
                "Plan: check contract and balance, lift the porting block and answer the customer "
                "in writing within {days} days.",
            ),
            "product": (
                "Plan: move the customer to the requested plan without the early-termination fee "
                "and add a {cur}{credit} credit.",
            ),
            "service": (
                "Plan: written apology and a {cur}{credit} credit; the staff member concerned "
                "retrained on the service standard.",
                "Plan: team lead to call and apologise, fix the rebooking process, {gb} GB data "
                "credit.",
            ),
            "other.privacy": (
                "Plan: legal to send a written explanation and apology with a {cur}{credit} "
                "credit; investigate the leak source.",
            ),
            "other": (
                "Plan: end the contract without penalty as its terms allow and refund the "
                "prepaid balance of {cur}{amount}.",
            ),
        },
    },
    "reject_plan": {
        "zh": {
            "*": (
                "补偿金额超出标准,请按《资费争议处理办法》重新核算后提交。",
                "方案未写明完成时限和责任人,请补充后重新提交。",
                "请先确认客户是否接受该方案,再提交审批。",
            )
        },
        "en": {
            "*": (
                "The compensation is above the policy limit; recalculate under the tariff dispute "
                "policy and resubmit.",
                "The plan has no deadline or owner; add them and resubmit.",
                "Check the customer accepts this before submitting it.",
            )
        },
    },
    "approve_plan": {
        "zh": {"*": ("同意,按方案执行,完成后及时回访。", "同意。注意在时限内完成并告知客户。", "")},
        "en": {"*": ("Approved; go ahead and follow up with the customer.", "Approved.", "")},
    },
    "step_done": {
        "zh": {
            "*": (
                "已完成,结果已记录。",
                "按方案完成,已电话告知客户进展。",
                "已落实,相关凭证已上传至工单附件。",
                "已完成,客户确认无异议。",
            )
        },
        "en": {
            "*": (
                "Done; result recorded.",
                "Done as planned; called the customer with an update.",
                "Completed; the confirmation is attached.",
                "Done, and the customer has no objection.",
            )
        },
    },
    "resolve": {
        "zh": {
            "billing": (
                "经核实,您账单中多扣的{amount}元系计费错误,已于{date}退回您的账户,另赠送{credit}元话费表示歉意。",
                "已按办理时承诺的优惠重新计费,差价{amount}元已退还,下月账单起按正确资费计收。",
                "经核查,相关费用为国际漫游数据费用,已向您详细解释计费规则,并为您开通漫游提醒;本次给予{credit}元话费补偿。",
            ),
            "network": (
                "工程师已于{date}上门测试并调整附近基站天线方位,您家中信号已恢复至4格以上,如仍有问题请随时联系我们。",
                "已更换入户光缆及光猫,经测试网速和稳定性均已恢复正常,本月宽带费减免{amount}元。",
                "该区域基站扩容已于{date}完成,晚高峰网速恢复正常,已赠送{gb}GB流量作为补偿。",
            ),
            "device.handset": (
                "已为您办理换机,新机已于{date}寄出,请注意查收;原机无需寄回。",
                "手机已送厂家检测并更换主板,维修费用由我方承担,已通知您到营业厅领取。",
            ),
            "device.broadband": (
                "已上门更换新的光猫并完成调试,设备运行正常,赠送{gb}GB流量表示歉意。",
                "已为您免费更换路由器并现场测试,各房间无线信号正常。",
            ),
            "product.vas": (
                "未经您同意订购的增值业务已全部退订,已扣费用{amount}元已退还,并已对相关渠道追责。",
            ),
            "product.porting": (
                "携号转网限制已解除,您可随时发送短信CXXZ查询资格并办理。",
                "经核实,您的号码已无在约合约和欠费,转网资格已恢复,对此前给您造成的不便深表歉意。",
            ),
            "product": (
                "已为您办理套餐变更,新套餐下月1日生效,不收取违约金,另赠送{credit}元话费。",
                "已按办理时的约定为您调整合约条款,免除违约金,并书面确认。",
            ),
            "service": (
                "经调取录音核实,工作人员服务不规范,我们郑重向您致歉,已对其进行批评教育和再培训,并赠送{credit}元话费。",
                "已为您重新预约上门时间并确认到场,对此前爽约向您道歉,赠送{gb}GB流量。",
                "已向您说明业务办理流程并协助您完成办理,今后会加强门店服务管理,感谢您的监督。",
            ),
            "other.privacy": (
                "经排查,已对涉事合作渠道暂停合作并追责,您的号码已加入营销免打扰名单,赠送{credit}元话费致歉。",
                "经排查内部系统未发现信息外泄记录,已为您免费开通骚扰电话拦截服务,并将相关号码标记拦截。",
            ),
            "other": (
                "法务部已出具书面说明并寄送给您,合同已按约定解除,预存款余额{amount}元已退还。",
            ),
        },
        "en": {
            "billing": (
                "We found the {cur}{amount} overcharge was a billing error; it was refunded to "
                "your account on {date}, with a {cur}{credit} credit by way of apology.",
                "Your account has been re-rated at the price promised when you signed up; the "
                "difference of {cur}{amount} is refunded and next month's bill will be correct.",
                "The charges were roaming data; we have explained how they are calculated, "
                "switched on roaming alerts and added a {cur}{credit} credit as a gesture.",
            ),
            "network": (
                "Our engineer tested on site on {date} and re-aimed the nearby antenna; signal "
                "at your home is back to four bars or more. Call us if it drops again.",
                "The drop cable and modem were replaced; speed and stability test normal. This "
                "month's broadband fee is reduced by {cur}{amount}.",
                "The capacity upgrade of the local cell site finished on {date}; evening speeds "
                "are back to normal and {gb} GB of data has been added to your account.",
            ),
            "device.handset": (
                "Your replacement handset was dispatched on {date}; you do not need to return "
                "the old one.",
                "The manufacturer replaced the mainboard at our cost; your phone is ready for "
                "collection at the shop.",
            ),
            "device.broadband": (
                "A new modem was installed and tested on site; it works normally. {gb} GB of "
                "data has been added as an apology.",
                "The router was replaced free of charge and Wi-Fi tested in every room.",
            ),
            "product.vas": (
                "All add-ons you did not agree to are cancelled and the {cur}{amount} charged is "
                "refunded; we have taken it up with the channel that sold them.",
            ),
            "product.porting": (
                "The porting block has been removed; you can port your number whenever you wish.",
                "Your number has no outstanding contract or balance, so it is eligible to port; "
                "we apologise for the earlier refusal.",
            ),
            "product": (
                "Your plan change takes effect on the 1st of next month with no early-termination "
                "fee, plus a {cur}{credit} credit.",
                "The contract terms have been corrected to what you were promised, without the "
                "penalty, and confirmed in writing.",
            ),
            "service": (
                "Having listened to the call, we agree the service fell short of our standard. We "
                "apologise; the staff member has been retrained, and a {cur}{credit} credit added.",
                "A new appointment is booked and confirmed; we are sorry for the missed visit and "
                "have added {gb} GB of data.",
                "We explained the process and completed the request with you; thank you for "
                "helping us improve.",
            ),
            "other.privacy": (
                "We suspended the partner channel involved and added your number to the "
                "do-not-call list; a {cur}{credit} credit has been added with our apology.",
                "Our audit found no export of your data from our systems; we have switched on "
                "free nuisance-call blocking and blocked the numbers you reported.",
            ),
            "other": (
                "Our legal team's written explanation is on its way; the contract is ended as "
                "agreed and the prepaid balance of {cur}{amount} refunded.",
            ),
        },
    },
    "resolve_first_contact": {
        "zh": {
            "*": (
                "已当场为客户核实并解释清楚,客户表示理解,问题当场解决。",
                "当场为客户办理退订并退还当月费用{amount}元,客户满意。",
                "已现场指导客户完成设置,测试正常,客户认可处理结果。",
            )
        },
        "en": {
            "*": (
                "Checked and explained it on the spot; the customer accepted, resolved on first "
                "contact.",
                "Cancelled the service during the call and refunded this month's {cur}{amount}; "
                "customer happy.",
                "Walked the customer through the settings; tested fine, customer satisfied.",
            )
        },
    },
    "close": {
        "zh": {
            "*": (
                "已回访客户,客户对处理结果表示满意,同意结案。",
                "回访确认问题已解决,客户满意,结案。",
                "客户表示基本满意,结案并归档。",
                "连续两次回访未接通,已发送结案短信,按规定结案。",
            )
        },
        "en": {
            "*": (
                "Follow-up call: the customer is satisfied with the result; closing.",
                "Customer confirmed the problem is solved; closed.",
                "Two follow-up calls unanswered; closure SMS sent, closed per procedure.",
            )
        },
    },
    "reopen": {
        "zh": {
            "*": (
                "客户回电反映问题再次出现,要求重新处理。",
                "客户对处理结果不满意,认为补偿不足,要求重新处理。",
                "回访时客户表示承诺的退款尚未到账,重新打开跟进。",
            )
        },
        "en": {
            "*": (
                "Customer called back: the problem is back. Reopening.",
                "Customer is not satisfied with the outcome and says the compensation is too low.",
                "At the follow-up call the promised refund had not arrived; reopened to chase it.",
            )
        },
    },
    "reject_invalid": {
        "zh": {
            "*": (
                "经核实,该号码非本公司用户,已告知客户向其所属运营商反映。",
                "客户反映内容属业务咨询,已当场解答,不作为投诉处理。",
                "所述问题为第三方平台自身服务,不属本公司受理范围,已告知客户对应的投诉渠道。",
            )
        },
        "en": {
            "*": (
                "The number is not one of ours; advised the customer to contact their own "
                "operator.",
                "This was an enquiry, answered on the spot; not handled as a complaint.",
                "The service concerned is run by a third-party platform outside our scope; gave "
                "the customer their complaint channel.",
            )
        },
    },
    "reject_malicious": {
        "zh": {
            "*": (
                "经调取通话录音及业务办理记录,客户所述与事实不符,且多次以投诉索要额外赠送,按恶意投诉处理。",
            )
        },
        "en": {
            "*": (
                "Call recordings and order records contradict the account given; the customer has "
                "repeatedly used complaints to demand free credit. Treated as malicious.",
            )
        },
    },
    "reject_duplicate": {
        "zh": {"*": ("与投诉{ref}为同一事项,已在原投诉中处理,本单不再重复处理。",)},
        "en": {
            "*": ("Same matter as complaint {ref}, which is handling it; closed as a duplicate.",)
        },
    },
    "merge": {
        "zh": {"*": ("客户就同一问题再次反映,合并至投诉{ref}统一处理。",)},
        "en": {"*": ("The customer raised the same issue again; merged into {ref}.",)},
    },
}


# What a handling plan's execution steps are, in order, by content subcategory or category;
# the demo's plans take the first and the last, or all three.
EXECUTION_STEPS: dict[str, dict[str, tuple[str, str, str]]] = {
    "billing": {
        "zh": ("核实计费记录,确认多收金额", "办理退费及话费补偿", "电话告知客户处理结果"),
        "en": ("Check the charging records and the amount", "Refund and credit the account",
               "Call the customer with the result"),
    },
    "network": {
        "zh": ("上门测试信号及网速", "完成网络优化或设备更换", "回访客户确认网络恢复"),
        "en": ("On-site signal and speed test", "Optimise the site or replace the equipment",
               "Confirm with the customer that service is back"),
    },
    "device": {
        "zh": ("检测终端故障", "办理维修或换机", "通知客户取机并确认"),
        "en": ("Inspect the device", "Repair or replace it",
               "Hand it back and confirm with the customer"),
    },
    "product": {
        "zh": ("核实合约及办理记录", "完成业务变更或退订并退费", "书面告知客户"),
        "en": ("Check the contract and the order records",
               "Change or cancel the service and refund", "Confirm to the customer in writing"),
    },
    "service": {
        "zh": ("向客户致歉并说明改进措施", "涉事员工服务规范再培训", "回访客户"),
        "en": ("Apologise and explain what changes", "Retrain the staff member concerned",
               "Follow-up call to the customer"),
    },
    "other": {
        "zh": ("法务审核处理意见", "书面答复客户", "内部排查并归档"),
        "en": ("Legal review of the response", "Answer the customer in writing",
               "Internal check and filing"),
    },
}  # fmt: skip


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


@cache
def _templates(step: str, language: str, subcategory: str) -> tuple[str, ...]:
    source = NOTES[step]["en" if language == "en" else "zh"]
    # The most specific text wins: "device.handset", then "device", then any category.
    category = subcategory.split(".")[0]
    templates = source.get(subcategory) or source.get(category) or source["*"]
    if language == "zh-Hant":
        return tuple(_converter().convert(text) for text in templates)
    return templates


def note_templates(step: str, language: str, subcategory: str = "*") -> tuple[str, ...]:
    """The templates for one step, in the complaint's language ("zh-Hans", "zh-Hant", "en")."""
    return _templates(step, language, subcategory)


def localise(text: str, language: str) -> str:
    """Simplified Chinese text as a reader of `language` sees it (Traditional for zh-Hant)."""
    return _converter().convert(text) if language == "zh-Hant" else text


def execution_step_titles(language: str, subcategory: str) -> tuple[str, str, str]:
    """A plan's three execution steps for complaints about `subcategory`, in `language`."""
    titles = EXECUTION_STEPS.get(subcategory.split(".")[0], EXECUTION_STEPS["other"])
    if language == "en":
        return titles["en"]
    first, second, third = (localise(title, language) for title in titles["zh"])
    return first, second, third
