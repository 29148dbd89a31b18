"""Word lists and templates behind ``seed-demo`` (simplified Chinese throughout).

Pure data, no imports from the service: :mod:`matchsvc.demo.seed` draws from these with a seeded
random generator. Weights are relative (they need not sum to anything).
"""

from __future__ import annotations

#: The city the demo union serves, and where most members live and work.
CITY = "杭州"
PROVINCE = "浙江"
#: The root unit when the tree is empty (an existing root, e.g. from create-admin, is reused).
CITY_UNION = "杭州市总工会"

#: Where members live: mostly the union's own city, some commute from the neighbours.
CITIES: tuple[tuple[str, int], ...] = (
    ("杭州", 88), ("绍兴", 4), ("嘉兴", 3), ("湖州", 3), ("宁波", 2),
)

#: Hometowns: (city, province, weight). Zhejiang first, then the provinces young staff come from.
HOMETOWNS: tuple[tuple[str, str, int], ...] = (
    ("杭州", "浙江", 30), ("宁波", "浙江", 6), ("温州", "浙江", 6), ("绍兴", "浙江", 5), ("金华", "浙江", 5),
    ("台州", "浙江", 5), ("嘉兴", "浙江", 4), ("湖州", "浙江", 3), ("衢州", "浙江", 3), ("丽水", "浙江", 2),
    ("舟山", "浙江", 1), ("安庆", "安徽", 2), ("合肥", "安徽", 2), ("阜阳", "安徽", 2), ("上饶", "江西", 2),
    ("南昌", "江西", 1), ("信阳", "河南", 2), ("郑州", "河南", 1), ("衡阳", "湖南", 1), ("长沙", "湖南", 1),
    ("黄冈", "湖北", 1), ("武汉", "湖北", 1), ("苏州", "江苏", 1), ("徐州", "江苏", 1), ("临沂", "山东", 1),
    ("济南", "山东", 1), ("南充", "四川", 1), ("成都", "四川", 1), ("福州", "福建", 1), ("哈尔滨", "黑龙江", 1),
    ("西安", "陕西", 1), ("太原", "山西", 1), ("石家庄", "河北", 1), ("桂林", "广西", 1), ("遵义", "贵州", 1),
)

# --------------------------------------------------------------------------------------------
# The org tree: agency unions under the city union, the women's federation beside them.
# (name, members directly in it, occupation pool, workplace named in intros, sub-units)
# sub-unit: (name, weight, occupation pool or None for the parent's, workplace or None)
# --------------------------------------------------------------------------------------------

SubUnit = tuple[str, int, str | None, str | None]

ORG_TREE: tuple[tuple[str, int, str, str, tuple[SubUnit, ...]], ...] = (
    ("市总工会机关工会", 2, "union", "市总工会", ()),
    ("市财政局工会", 2, "finance", "市财政局", (
        ("办公室", 1, None, None),
        ("预算处", 2, None, None),
        ("国库支付中心", 2, None, None),
        ("财政监督检查局", 1, "audit", "市财政监督检查局"),
    )),
    ("市教育局工会", 1, "education", "市教育局", (
        ("基础教育处", 1, None, None),
        ("市教育考试院", 2, None, "市教育考试院"),
        ("市属学校教工分会", 12, "school", "市属中学"),
    )),
    ("市卫健委工会", 1, "health", "市卫健委", (
        ("医政医管处", 1, None, None),
        ("市第一人民医院分会", 9, "hospital", "市第一人民医院"),
        ("市中医院分会", 5, "hospital", "市中医院"),
        ("市疾控中心分会", 3, "cdc", "市疾控中心"),
    )),
    ("市公安局工会", 1, "police", "市公安局", (
        ("上城分局", 5, None, "市公安局上城分局"),
        ("西湖分局", 5, None, "市公安局西湖分局"),
        ("滨江分局", 4, None, "市公安局滨江分局"),
        ("交警支队", 5, None, "市公安局交警支队"),
        ("刑侦支队", 3, None, "市公安局刑侦支队"),
    )),
    ("市税务局工会", 1, "tax", "市税务局", (
        ("上城区税务局", 4, None, "上城区税务局"),
        ("西湖区税务局", 4, None, "西湖区税务局"),
        ("第一稽查局", 2, None, "市税务局第一稽查局"),
        ("纳税服务中心", 2, None, "市税务局纳税服务中心"),
    )),
    ("市人社局工会", 2, "hr", "市人社局", (
        ("就业服务中心", 2, None, "市就业服务中心"),
        ("社会保险管理服务中心", 2, None, "市社保中心"),
    )),
    ("市司法局工会", 3, "justice", "市司法局", ()),
    ("市住建局工会", 2, "construction", "市住建局", (
        ("建设工程质量安全监督站", 2, None, "市建设工程质量安全监督站"),
    )),
    ("市交通运输局工会", 3, "transport", "市交通运输局", ()),
    ("市妇联", 1, "women", "市妇联", (
        ("市妇联机关", 2, None, "市妇联"),
        ("家庭和儿童工作部", 1, None, None),
        ("市直机关妇工委", 3, "civil", "市直机关"),
    )),
)

# --------------------------------------------------------------------------------------------
# Occupations: the pools by unit kind, the gender skew of a few, education by occupation.
# --------------------------------------------------------------------------------------------

OCCUPATION_POOLS: dict[str, tuple[tuple[str, int], ...]] = {
    "union": (("公务员", 6), ("社工", 3), ("会计", 1)),
    "civil": (("公务员", 8), ("会计", 1), ("数据分析师", 1)),
    "finance": (("公务员", 5), ("会计", 3), ("审计员", 1), ("数据分析师", 1)),
    "audit": (("审计员", 6), ("会计", 3), ("公务员", 2)),
    "education": (("公务员", 5), ("教研员", 3), ("教师", 2)),
    "school": (("教师", 9), ("心理咨询师", 1)),
    "health": (("公务员", 6), ("公共卫生医师", 2), ("医生", 2)),
    "hospital": (("医生", 9), ("护士", 8), ("药剂师", 2)),
    "cdc": (("公共卫生医师", 7), ("医生", 2), ("数据分析师", 1)),
    "police": (("警察", 15), ("网络安全工程师", 2), ("公务员", 2)),
    "tax": (("税务专员", 12), ("会计", 4), ("公务员", 2), ("数据分析师", 1)),
    "hr": (("公务员", 5), ("就业指导师", 3), ("社工", 2)),
    "justice": (("公务员", 4), ("律师", 3), ("公证员", 2), ("社工", 1)),
    "construction": (("工程师", 6), ("公务员", 3), ("规划师", 2)),
    "transport": (("工程师", 4), ("公务员", 4), ("规划师", 2)),
    "women": (("社工", 4), ("公务员", 4), ("心理咨询师", 2)),
}

#: Multipliers on an occupation's weight by gender (missing: 1).
OCCUPATION_GENDER: dict[str, dict[str, float]] = {
    "护士": {"male": 0.15},
    "警察": {"female": 0.4},
    "工程师": {"female": 0.6},
    "网络安全工程师": {"female": 0.4},
    "教师": {"male": 0.6},
    "心理咨询师": {"male": 0.5},
}

EDUCATION_BASE: tuple[tuple[str, int], ...] = (
    ("high_school", 1), ("associate", 6), ("bachelor", 53), ("master", 36), ("doctorate", 4),
)
EDUCATION_BY_OCCUPATION: dict[str, tuple[tuple[str, int], ...]] = {
    "医生": (("bachelor", 20), ("master", 55), ("doctorate", 25)),
    "公共卫生医师": (("bachelor", 35), ("master", 55), ("doctorate", 10)),
    "护士": (("associate", 30), ("bachelor", 65), ("master", 5)),
    "律师": (("bachelor", 45), ("master", 55)),
    "教师": (("bachelor", 55), ("master", 43), ("doctorate", 2)),
    "警察": (("associate", 10), ("bachelor", 75), ("master", 15)),
    "教研员": (("bachelor", 30), ("master", 62), ("doctorate", 8)),
}

#: A clause about each occupation, used in the opening of an intro.
OCCUPATION_TRAITS: dict[str, tuple[str, ...]] = {
    "公务员": ("工作按部就班，作息比较规律", "平时写材料比较多，下班后喜欢放松一下", "工作稳定，生活简单踏实"),
    "教师": ("每天和学生在一起，性格比较有耐心", "寒暑假总会安排一次远行", "很享受站在讲台上的感觉"),
    "医生": ("工作虽然忙，但很有成就感", "值班比较多，所以特别珍惜休息的时间"),
    "护士": ("工作节奏快，下班后喜欢慢下来", "习惯照顾别人，也希望被温柔以待"),
    "警察": ("工作有时要值班加班，但很有责任心", "工作中见过很多人和事，更懂得珍惜身边人"),
    "税务专员": ("每天和数字、政策打交道，做事比较细致", "工作上认真，生活里很随和"),
    "会计": ("做事认真细致，生活也比较有条理", "工作和数字打交道，生活里喜欢新鲜感"),
    "审计员": ("工作要求严谨，生活里其实挺随和的",),
    "工程师": ("习惯把事情想清楚再动手", "喜欢动手解决问题，家里的小物件都是自己修"),
    "律师": ("喜欢讲道理，也懂得倾听", "工作忙的时候多，但会留时间给生活"),
    "公证员": ("工作要求严谨细致，生活里比较随性",),
    "社工": ("每天和社区居民打交道，很喜欢帮助别人", "工作让我更懂得体谅和沟通"),
    "心理咨询师": ("擅长倾听，也很愿意分享", "工作让我对人和情绪更敏感"),
    "药剂师": ("工作细致，生活也讲究规律",),
    "公共卫生医师": ("工作关注大家的健康，自己也坚持锻炼",),
    "教研员": ("喜欢琢磨怎么把课上得更好",),
    "数据分析师": ("喜欢用数据看问题，生活中是个好奇心很强的人",),
    "规划师": ("喜欢观察城市，走到哪里都爱拍街景",),
    "网络安全工程师": ("平时和电脑打交道多，周末喜欢出门走走",),
    "就业指导师": ("工作是帮年轻人找到合适的岗位，很有意义",),
}

# --------------------------------------------------------------------------------------------
# Interests: tag, popularity among men and women, how the tag reads as an activity, and
# sentences that say something concrete about it.
# --------------------------------------------------------------------------------------------

INTERESTS: tuple[tuple[str, int, int, str, tuple[str, ...]], ...] = (
    ("爬山", 8, 7, "爬山", ("宝石山和北高峰都走过很多遍", "最享受登顶看风景的那一刻")),
    ("徒步", 5, 4, "徒步", ("喜欢徒步，走过好几条古道",)),
    ("羽毛球", 8, 7, "打羽毛球", ("每周会约同事打两场羽毛球", "羽毛球打了好几年，水平还行")),
    ("篮球", 9, 1, "打篮球", ("单位篮球赛从不缺席",)),
    ("足球", 5, 1, "踢足球", ("也爱看球赛，熬夜看欧洲杯是常事",)),
    ("乒乓球", 4, 2, "打乒乓球", ("乒乓球是从小练的，欢迎切磋",)),
    ("网球", 2, 2, "打网球", ("最近在学网球，正在努力进步",)),
    ("游泳", 5, 5, "游泳", ("坚持游泳好几年了，夏天最爱去游泳馆",)),
    ("跑步", 8, 5, "跑步", ("有晨跑的习惯，跑过两次半程马拉松", "下班后常去江边夜跑")),
    ("骑行", 4, 2, "骑行", ("周末常骑车去郊外转转",)),
    ("健身", 7, 4, "健身", ("每周去三次健身房，坚持了两年",)),
    ("瑜伽", 1, 8, "练瑜伽", ("练瑜伽好几年了，让人心里很平静",)),
    ("舞蹈", 1, 4, "跳舞", ("学过几年舞蹈，现在偶尔跳跳爵士舞",)),
    ("摄影", 6, 5, "摄影", ("出门总带着相机，尤其爱拍日落和街景",)),
    ("阅读", 7, 9, "看书", ("睡前习惯读几页书，最近在看历史类的书", "每年能读二三十本书")),
    ("写作", 2, 3, "写东西", ("偶尔写写随笔，记录生活里的小事",)),
    ("书法", 3, 3, "练书法", ("练了几年书法，周末会写写字静静心",)),
    ("绘画", 1, 3, "画画", ("最近在学水彩，画得还不错",)),
    ("古筝", 1, 3, "弹古筝", ("会弹古筝，偶尔在单位联欢会上表演",)),
    ("钢琴", 1, 2, "弹钢琴", ("小时候学过钢琴，现在偶尔弹弹",)),
    ("吉他", 3, 1, "弹吉他", ("吉他弹得一般，但很喜欢民谣",)),
    ("唱歌", 3, 5, "唱歌", ("在KTV是大家公认的麦霸",)),
    ("音乐", 5, 6, "听音乐", ("通勤路上离不开耳机，什么风格都听",)),
    ("电影", 8, 9, "看电影", ("每个月都会去几次电影院，最爱看悬疑片",)),
    ("话剧", 1, 3, "看话剧", ("也喜欢音乐剧，每年都会看几场演出",)),
    ("旅行", 8, 10, "旅行", ("每年会安排一两次旅行，去过十几个城市", "想去的地方还有很多，下一站想去新疆")),
    ("露营", 3, 3, "露营", ("最近迷上了露营，喜欢在户外煮咖啡",)),
    ("烘焙", 1, 6, "烘焙", ("做的蛋糕同事都说好吃",)),
    ("做饭", 4, 5, "做饭", ("周末会研究新菜", "厨艺还不错，拿手菜是红烧肉")),
    ("美食", 7, 9, "探店", ("是个吃货，到哪儿都要先找好吃的",)),
    ("咖啡", 3, 5, "喝咖啡", ("每天一杯咖啡，喜欢逛有特色的咖啡馆",)),
    ("茶艺", 3, 2, "喝茶", ("对龙井有点研究，办公桌上常备一壶茶",)),
    ("桌游", 4, 3, "玩桌游", ("周末常和朋友聚在一起玩桌游",)),
    ("剧本杀", 3, 4, "玩剧本杀", ("偶尔和朋友玩剧本杀，推理起来很投入",)),
    ("电子游戏", 5, 1, "打游戏", ("游戏只是偶尔玩玩，放松一下",)),
    ("追剧", 2, 6, "追剧", ("下班后追剧是最放松的时候",)),
    ("养猫", 2, 5, "撸猫", ("家里养了一只猫，是个猫奴",)),
    ("养狗", 2, 3, "遛狗", ("养了一只小狗，每天早晚遛狗",)),
    ("花艺", 1, 3, "插花", ("家里总摆着自己插的鲜花",)),
    ("手工", 1, 3, "做手工", ("织过围巾送给家人",)),
    ("志愿服务", 4, 5, "做志愿者", ("经常参加志愿服务活动，觉得很有意义",)),
    ("博物馆", 3, 4, "逛博物馆", ("每到一个城市都会去当地的博物馆",)),
    ("历史", 4, 2, "读历史", ("对历史很感兴趣，去一个城市必看当地的历史遗迹",)),
    ("围棋", 3, 1, "下围棋", ("会下围棋，有业余段位",)),
    ("钓鱼", 3, 1, "钓鱼", ("周末偶尔去钓鱼，享受安静的时光",)),
    ("滑雪", 2, 2, "滑雪", ("冬天喜欢去滑雪",)),
)

# --------------------------------------------------------------------------------------------
# Names.
# --------------------------------------------------------------------------------------------

#: Common surnames, most frequent first, with rough relative frequencies.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 25), ("赵", 20),
    ("吴", 20), ("周", 19), ("徐", 17), ("孙", 15), ("马", 14), ("朱", 13), ("胡", 13), ("郭", 12),
    ("何", 12), ("林", 11), ("高", 11), ("罗", 10), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 7),
    ("唐", 7), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7), ("曹", 7), ("彭", 6), ("曾", 6),
    ("肖", 6), ("田", 6), ("董", 5), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5),
    ("余", 5), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 4), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 3), ("夏", 3),
    ("方", 3), ("邹", 2), ("孟", 2), ("熊", 2), ("秦", 2), ("江", 2), ("薛", 2), ("顾", 2),
    ("毛", 2), ("邵", 2), ("钱", 2), ("严", 2), ("俞", 2), ("楼", 1), ("应", 1), ("童", 1),
    ("欧阳", 1), ("诸葛", 1), ("司马", 1), ("上官", 1),
)

GIVEN_MALE = "伟磊涛浩杰俊鹏辉强宇轩博文斌超明凯晨阳昊睿航哲翔毅峰帆鑫锐源亮宁远川恒彬健栋楠骏"
GIVEN_FEMALE = "婷静敏丽雪婧琳颖晓倩雯璐佳悦欣怡萌瑶蕾丹娜芳洁慧梦思雨琪妍楠蓉菲岚薇玥诗涵晴瑾茜"
GIVEN_EITHER = "子一嘉安文宇晨思可家清逸若云"

# --------------------------------------------------------------------------------------------
# Self-introduction templates ({…} filled in by the seeder; each sentence without its stop).
# --------------------------------------------------------------------------------------------

OPENINGS: tuple[str, ...] = (
    "大家好，我在{workplace}工作，是一名{occupation}",
    "你好！我是{workplace}的一名{occupation}，{trait}",
    "我是一名{occupation}，在{workplace}上班{years}年了",
    "{occupation}一枚，目前在{workplace}工作，{trait}",
    "大家好，我姓{surname}，在{workplace}做{occupation}工作",
    "你好呀，我在{workplace}工作{years}年了，{trait}",
)

HOMETOWN_SAME_CITY: tuple[str, ...] = ("我是土生土长的{home}人", "从小在{home}长大，对这座城市很有感情")
HOMETOWN_SAME_PROVINCE: tuple[str, ...] = (
    "老家在{home}，离{city}不远，周末常回家看看",
    "我是{home}人，来{city}已经{years}年了",
)
HOMETOWN_ELSEWHERE: tuple[str, ...] = (
    "老家是{province}{home}的，毕业后来到{city}工作",
    "我来自{province}{home}，在{city}生活{years}年了，很喜欢这座城市",
)

INTEREST_LISTS: tuple[str, ...] = ("平时喜欢{items}", "业余爱好是{items}", "闲下来的时候喜欢{items}")

PERSONALITY_TRAITS: tuple[str, ...] = ("开朗爱笑", "温和细心", "随和真诚", "踏实稳重", "乐观独立", "安静细腻",
                                       "幽默开朗", "真诚踏实", "温柔随和", "独立自信", "外向热情", "内敛沉稳")
PERSONALITY_TAILS: tuple[str, ...] = (
    "朋友都说我很靠谱", "是个很好的倾听者", "遇事不急不躁", "比较顾家", "喜欢把生活过得有仪式感",
    "有点慢热，熟了以后话很多",
)

QUALITIES: tuple[str, ...] = ("真诚善良", "踏实靠谱", "三观相合", "有责任心", "温柔体贴", "积极向上", "阳光开朗")

GOAL_SENTENCES: dict[str, tuple[str, ...]] = {
    "marriage": (
        "希望遇到{quality}的{ta}，以结婚为目的认真交往",
        "想找一个{quality}的人，一起经营温暖的小家",
        "希望能遇到对的人，彼此支持，携手走进婚姻",
    ),
    "dating": (
        "希望先从朋友做起，慢慢了解，顺其自然",
        "期待认识{quality}的你，一起吃饭看电影",
    ),
    "friendship": (
        "想多认识一些有趣的朋友，一起参加活动、交流学习",
        "希望在这里结交志同道合的朋友",
    ),
}

# --------------------------------------------------------------------------------------------
# The three optional matching questions (how often one goes out, what matters in a partner, how
# one's friends describe one). Modelled on the Speed Dating survey's answers to the same
# questions (training waves 1-10: ``go_out``, the six partner-preference shares, the self-ratings),
# going out shifted about one step less often: those were students, these are working staff.
# --------------------------------------------------------------------------------------------

#: Share of members who answered the optional step at all; each of the three questions is then
#: still skipped now and then (:data:`QUESTION_SKIPPED`).
MATCHING_ANSWERED = 0.82
QUESTION_SKIPPED = 0.04

#: social_frequency → weight, most often first (speed dating, students: 34 %, 34 %, 22 %, 7 %, 2 %,
#: under 1 %, 1 %).
SOCIAL_FREQUENCY: tuple[tuple[str, int], ...] = (
    ("several_per_week", 12), ("twice_a_week", 24), ("weekly", 30), ("twice_a_month", 17),
    ("monthly", 9), ("several_per_year", 5), ("almost_never", 3),
)

#: What matters in a partner, by gender: the mean share of each quality (looks, sincerity,
#: intelligence, humour, ambition, shared_interests; the speed-dating means), and how
#: concentrated one person's shares are around them (a Dirichlet draw; 20 gives a spread
#: like the survey's, sd of a share about 0.06-0.09).
VALUES_SHARES: dict[str, tuple[float, ...]] = {
    "male": (0.24, 0.17, 0.20, 0.18, 0.10, 0.12),
    "female": (0.17, 0.17, 0.21, 0.18, 0.14, 0.13),
}
VALUES_CONCENTRATION = 20.0

#: How friends describe one (sincere, intelligent, humorous, ambitious), by gender: mean and
#: standard deviation of each 1-10 rating (the speed-dating self-ratings), and the share of
#: variance one's overall self-regard carries across the four (their ratings correlate ~0.2).
FRIENDS_SAY_MEAN: dict[str, tuple[float, ...]] = {"male": (8.2, 8.5, 7.4, 7.3), "female": (8.4, 8.3, 8.1, 7.8)}
FRIENDS_SAY_SD: dict[str, tuple[float, ...]] = {"male": (1.3, 1.1, 1.8, 2.0), "female": (1.5, 1.1, 1.3, 1.5)}
FRIENDS_SAY_SHARED = 0.2

# --------------------------------------------------------------------------------------------
# Contact details.
# --------------------------------------------------------------------------------------------

PHONE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "198", "199",
)
WECHAT_SYLLABLES: tuple[str, ...] = (
    "xiao", "yu", "chen", "lin", "le", "an", "mu", "xi", "yang", "qing", "hao", "ran", "zhi", "yi",
    "tian", "ming", "jia", "nan", "bei", "sunny", "lucky", "momo", "coco", "leo", "amy",
)
