"""Name, place and contact material for the demo operator's staff and customers.

Declarative tables only. Chinese names come with their pinyin so e-mail addresses and staff
logins look like the ones people really use.
"""

from __future__ import annotations

# Surnames by rough frequency in mainland China (the first ones repeat more in draws).
SURNAMES_HANS: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"),
    ("袁", "yuan"), ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"),
    ("杜", "du"), ("叶", "ye"), ("程", "cheng"), ("苏", "su"), ("魏", "wei"),
    ("吕", "lv"), ("丁", "ding"), ("任", "ren"), ("沈", "shen"), ("姚", "yao"),
    ("卢", "lu"), ("姜", "jiang"), ("崔", "cui"), ("钟", "zhong"), ("谭", "tan"),
    ("陆", "lu"), ("汪", "wang"), ("范", "fan"), ("金", "jin"), ("石", "shi"),
    ("廖", "liao"), ("贾", "jia"), ("夏", "xia"), ("韦", "wei"), ("方", "fang"),
    ("邹", "zou"), ("熊", "xiong"), ("秦", "qin"), ("邱", "qiu"), ("江", "jiang"),
)  # fmt: skip

GIVEN_NAMES_HANS: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("秀英", "xiuying"), ("敏", "min"),
    ("静", "jing"), ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"),
    ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀兰", "xiulan"), ("霞", "xia"),
    ("平", "ping"), ("刚", "gang"), ("桂英", "guiying"), ("建华", "jianhua"),
    ("晓东", "xiaodong"), ("子涵", "zihan"), ("浩然", "haoran"), ("梓萱", "zixuan"),
    ("一诺", "yinuo"), ("欣怡", "xinyi"), ("宇轩", "yuxuan"), ("思远", "siyuan"),
    ("雨桐", "yutong"), ("俊杰", "junjie"), ("佳怡", "jiayi"), ("志强", "zhiqiang"),
    ("海燕", "haiyan"), ("国庆", "guoqing"), ("建国", "jianguo"), ("玉兰", "yulan"),
    ("淑珍", "shuzhen"), ("文博", "wenbo"), ("晓梅", "xiaomei"), ("红梅", "hongmei"),
    ("立新", "lixin"), ("春燕", "chunyan"), ("振华", "zhenhua"), ("丹丹", "dandan"),
    ("鹏", "peng"), ("婷婷", "tingting"), ("凯", "kai"), ("慧", "hui"), ("斌", "bin"),
    ("雪", "xue"), ("琳", "lin"), ("博文", "bowen"), ("天佑", "tianyou"), ("梦琪", "mengqi"),
)  # fmt: skip

# Hong Kong customers writing in Traditional Chinese, with the Cantonese romanisation HK
# people use on their ID cards and in e-mail addresses.
SURNAMES_HANT: tuple[tuple[str, str], ...] = (
    ("陳", "chan"), ("黃", "wong"), ("李", "lee"), ("張", "cheung"), ("梁", "leung"),
    ("林", "lam"), ("劉", "lau"), ("吳", "ng"), ("何", "ho"), ("鄭", "cheng"),
    ("楊", "yeung"), ("麥", "mak"), ("郭", "kwok"), ("謝", "tse"), ("曾", "tsang"),
    ("鄧", "tang"), ("馮", "fung"), ("蔡", "choi"), ("余", "yu"), ("羅", "law"),
    ("周", "chow"), ("葉", "yip"), ("朱", "chu"), ("胡", "wu"), ("盧", "lo"),
)  # fmt: skip

GIVEN_NAMES_HANT: tuple[tuple[str, str], ...] = (
    ("大文", "taiman"), ("家豪", "kahou"), ("志明", "chiming"), ("嘉欣", "kayan"),
    ("詠詩", "wingsze"), ("美玲", "meiling"), ("偉強", "waikeung"), ("國華", "kwokwah"),
    ("淑儀", "sukyee"), ("子軒", "tszhin"), ("凱琳", "hoilam"), ("俊傑", "chunkit"),
    ("寶儀", "poyee"), ("建邦", "kinbong"), ("慧敏", "waiman"), ("浩賢", "hoyin"),
    ("麗珊", "laishan"), ("永康", "winghong"), ("少芬", "siufan"), ("德明", "takming"),
)  # fmt: skip

# English-writing customers: Hong Kong people with English given names, and expatriates.
ENGLISH_GIVEN: tuple[str, ...] = (
    "Emily", "Kelvin", "Natalie", "Jason", "Karen", "Michael", "Winnie", "Eric", "Cherry",
    "Raymond", "Sarah", "James", "Priya", "Daniel", "Olivia", "Thomas", "Hannah", "David",
    "Grace", "Ryan", "Chloe", "Patrick", "Fiona", "Marcus", "Aisha", "Ben", "Laura", "Sean",
    "Joanne", "Anthony", "Vivian", "Kenneth", "Rachel", "Arjun", "Sophie", "Matthew",
)  # fmt: skip
ENGLISH_SURNAMES_HK: tuple[str, ...] = (
    "Chan", "Wong", "Lee", "Cheung", "Leung", "Lam", "Lau", "Ng", "Ho", "Tsang", "Yip",
    "Kwok", "Mak", "Fung", "Tang", "Chow",
)  # fmt: skip
ENGLISH_SURNAMES_EXPAT: tuple[str, ...] = (
    "Miller", "Smith", "O'Connor", "Patel", "Schmidt", "Brown", "Taylor", "Nguyen", "Kumar",
    "Dubois", "Rossi", "Anderson", "Walker", "Fernandes", "Murphy", "Johansson",
)  # fmt: skip

# Mainland mobile number prefixes of the three big operators.
MAINLAND_MOBILE_PREFIXES: tuple[str, ...] = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
    "182", "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133",
    "153", "180", "181", "189", "177", "199", "176", "178", "198",
)  # fmt: skip
HK_MOBILE_FIRST_DIGITS: tuple[str, ...] = ("5", "6", "9")

MAINLAND_EMAIL_DOMAINS: tuple[str, ...] = (
    "163.com",
    "qq.com",
    "126.com",
    "sina.com",
    "foxmail.com",
    "outlook.com",
)
HK_EMAIL_DOMAINS: tuple[str, ...] = ("yahoo.com.hk", "gmail.com", "netvigator.com", "outlook.com")
EXPAT_EMAIL_DOMAINS: tuple[str, ...] = ("gmail.com", "outlook.com", "icloud.com", "proton.me")

# (region as stored, area code used in account numbers)
MAINLAND_REGIONS: tuple[tuple[str, str], ...] = (
    ("杭州市", "0571"), ("深圳市", "0755"), ("广州市", "020"), ("上海市", "021"),
    ("北京市", "010"), ("成都市", "028"), ("武汉市", "027"), ("南京市", "025"),
    ("西安市", "029"), ("重庆市", "023"), ("苏州市", "0512"), ("东莞市", "0769"),
    ("佛山市", "0757"), ("宁波市", "0574"), ("长沙市", "0731"),
)  # fmt: skip
HK_REGIONS: tuple[str, ...] = (
    "香港島", "九龍", "新界", "沙田", "觀塘", "荃灣", "將軍澳", "屯門", "元朗",
)  # fmt: skip
