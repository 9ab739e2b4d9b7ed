"""Default configuration a fresh database needs: user-level criteria, the four social styles with their
communication types and trait database, and greeting templates in zh-hans, yue and en for every line of
business and communication type. Managers edit all of it in the admin."""

from decimal import Decimal

from django.db import migrations

COMMUNICATION_TYPES = [
    ("parameter_focused", "参数导向型", "先讲规格、数据和对比，回答具体准确，给对方时间思考，不夸大。"),
    ("concise_results", "结果导向型", "开门见山，先给结论和收益，控制时长，让对方做决定。"),
    ("reassuring_relationship", "关系安抚型", "先建立信任，语气温和，强调保障、口碑和售后，不催促。"),
    ("emotional_resonance", "情感共鸣型", "讲场景和故事，调动情绪与想象，多给认可和新鲜感。"),
]

# Merrill–Reid social styles → the communication type that suits each.
PERSONALITY_TYPES = [
    ("analytical", "分析型", "重事实与逻辑，决策谨慎，需要数据和细节。", "parameter_focused"),
    ("driver", "支配型", "目标明确，节奏快，重结果和效率，喜欢掌控。", "concise_results"),
    ("amiable", "亲和型", "重关系与安全感，随和稳重，决策需要信任和时间。", "reassuring_relationship"),
    ("expressive", "表现型", "热情外向，重感受与认同，喜欢新鲜和有故事的东西。", "emotional_resonance"),
]

TRAITS = [
    # MBTI letters: E/I ≈ assertiveness, T/F ≈ responsiveness; J/P and S/N weaker.
    ("mbti_letter", "E", "expressive", "1.0"), ("mbti_letter", "E", "driver", "1.0"),
    ("mbti_letter", "I", "analytical", "1.0"), ("mbti_letter", "I", "amiable", "1.0"),
    ("mbti_letter", "T", "analytical", "1.0"), ("mbti_letter", "T", "driver", "1.0"),
    ("mbti_letter", "F", "amiable", "1.0"), ("mbti_letter", "F", "expressive", "1.0"),
    ("mbti_letter", "J", "driver", "0.5"), ("mbti_letter", "J", "analytical", "0.5"),
    ("mbti_letter", "P", "expressive", "0.5"), ("mbti_letter", "P", "amiable", "0.5"),
    ("mbti_letter", "S", "analytical", "0.3"), ("mbti_letter", "S", "amiable", "0.3"),
    ("mbti_letter", "N", "expressive", "0.3"), ("mbti_letter", "N", "driver", "0.3"),
    # Whole MBTI types that map clearly.
    ("mbti_type", "ENTJ", "driver", "1.5"), ("mbti_type", "ESTJ", "driver", "1.5"), ("mbti_type", "ESTP", "driver", "1.0"),
    ("mbti_type", "ISTJ", "analytical", "1.5"), ("mbti_type", "INTJ", "analytical", "1.5"),
    ("mbti_type", "INTP", "analytical", "1.5"), ("mbti_type", "ISTP", "analytical", "1.0"),
    ("mbti_type", "ISFJ", "amiable", "1.5"), ("mbti_type", "ESFJ", "amiable", "1.5"), ("mbti_type", "INFJ", "amiable", "1.0"),
    ("mbti_type", "ISFP", "amiable", "1.0"), ("mbti_type", "INFP", "amiable", "1.0"),
    ("mbti_type", "ENFP", "expressive", "1.5"), ("mbti_type", "ESFP", "expressive", "1.5"),
    ("mbti_type", "ENFJ", "expressive", "1.0"), ("mbti_type", "ENTP", "expressive", "1.0"),
    # Constellations: popular stereotypes, a weak signal.
    ("constellation", "aries", "driver", "0.3"), ("constellation", "leo", "expressive", "0.3"),
    ("constellation", "sagittarius", "expressive", "0.3"), ("constellation", "gemini", "expressive", "0.3"),
    ("constellation", "taurus", "amiable", "0.3"), ("constellation", "cancer", "amiable", "0.3"),
    ("constellation", "libra", "amiable", "0.3"), ("constellation", "pisces", "amiable", "0.3"),
    ("constellation", "virgo", "analytical", "0.3"), ("constellation", "aquarius", "analytical", "0.3"),
    ("constellation", "capricorn", "driver", "0.3"), ("constellation", "scorpio", "driver", "0.3"),
    # Hobbies.
    ("hobby", "读书", "analytical", "0.6"), ("hobby", "阅读", "analytical", "0.6"), ("hobby", "书法", "analytical", "0.6"),
    ("hobby", "围棋", "analytical", "0.6"), ("hobby", "象棋", "analytical", "0.6"), ("hobby", "摄影", "analytical", "0.5"),
    ("hobby", "收藏", "analytical", "0.5"), ("hobby", "编程", "analytical", "0.6"),
    ("hobby", "高尔夫", "driver", "0.6"), ("hobby", "跑步", "driver", "0.5"), ("hobby", "健身", "driver", "0.5"),
    ("hobby", "登山", "driver", "0.5"), ("hobby", "滑雪", "driver", "0.5"), ("hobby", "骑行", "driver", "0.4"),
    ("hobby", "看球", "driver", "0.4"),
    ("hobby", "烘焙", "amiable", "0.6"), ("hobby", "瑜伽", "amiable", "0.5"), ("hobby", "茶艺", "amiable", "0.6"),
    ("hobby", "钓鱼", "amiable", "0.5"), ("hobby", "养花", "amiable", "0.6"), ("hobby", "插花", "amiable", "0.6"),
    ("hobby", "做饭", "amiable", "0.5"), ("hobby", "太极", "amiable", "0.5"), ("hobby", "麻将", "amiable", "0.4"),
    ("hobby", "旅行", "expressive", "0.5"), ("hobby", "广场舞", "expressive", "0.6"), ("hobby", "唱歌", "expressive", "0.6"),
    ("hobby", "音乐", "expressive", "0.4"), ("hobby", "追剧", "expressive", "0.4"), ("hobby", "剧本杀", "expressive", "0.6"),
    ("hobby", "露营", "expressive", "0.4"), ("hobby", "打游戏", "expressive", "0.3"),
    # Job titles (substring match).
    ("job_title", "工程师", "analytical", "0.8"), ("job_title", "分析师", "analytical", "0.8"),
    ("job_title", "会计", "analytical", "0.8"), ("job_title", "律师", "analytical", "0.6"),
    ("job_title", "医生", "analytical", "0.6"), ("job_title", "研究", "analytical", "0.6"),
    ("job_title", "总经理", "driver", "0.8"), ("job_title", "总监", "driver", "0.8"), ("job_title", "企业主", "driver", "0.8"),
    ("job_title", "创始人", "driver", "0.8"), ("job_title", "董事", "driver", "0.8"), ("job_title", "个体经营", "driver", "0.5"),
    ("job_title", "教师", "amiable", "0.8"), ("job_title", "护士", "amiable", "0.8"), ("job_title", "人力资源", "amiable", "0.6"),
    ("job_title", "公务员", "amiable", "0.5"), ("job_title", "行政", "amiable", "0.6"),
    ("job_title", "销售", "expressive", "0.8"), ("job_title", "设计师", "expressive", "0.6"),
    ("job_title", "市场", "expressive", "0.6"), ("job_title", "运营", "expressive", "0.5"),
    ("job_title", "主播", "expressive", "0.8"), ("job_title", "外贸", "expressive", "0.5"),
]  # fmt: skip

SENIOR_TITLES = ["董事长", "总裁", "总经理", "首席", "CEO", "CFO", "合伙人", "创始人", "董事", "副总", "企业主", "总监"]
PROFESSIONAL_TITLES = ["经理", "主管", "律师", "医生", "教授", "工程师", "分析师", "会计", "设计师"]
LEVEL_CRITERIA = [
    ("高收入（月入5万以上）", "income_band", None, ["50k-100k", "gt100k"], 35),
    ("中等收入（月入1万–5万）", "income_band", None, ["10k-20k", "20k-50k"], 15),
    ("高管或企业主", "job_title", None, SENIOR_TITLES, 25),
    ("专业或管理岗位", "job_title", None, PROFESSIONAL_TITLES, 10),
    ("金融资产600万以上", "financial_assets", "6000000", [], 60),
    ("金融资产100万以上", "financial_assets", "1000000", [], 30),
    ("金融资产30万以上", "financial_assets", "300000", [], 15),
    ("总资产1000万以上", "total_assets", "10000000", [], 40),
    ("总资产300万以上", "total_assets", "3000000", [], 20),
    ("月网购1万以上", "monthly_online_spend", "10000", [], 15),
    ("月网购3000以上", "monthly_online_spend", "3000", [], 8),
]

# (communication type, line of business or "" for any, language, text)
GREETINGS = [
    # parameter-focused: specs first
    ("parameter_focused", "home", "zh-hans", "{customer}您好，本店最新上架了一款{category}「{product}」，采用的设计类型、颜色、规格、价格分别是：{design}、{colour}、{size}、{price}。需要我把详细参数和同类对比发给您吗？"),
    ("parameter_focused", "home", "yue", "{customer}你好，我哋啱啱上架咗一款{category}「{product}」，设计係{design}，颜色係{colour}，规格{size}，价钱{price}。使唔使我send埋详细参数同对比俾你睇？"),
    ("parameter_focused", "home", "en", "Hello {customer}, we have just added a new {category}, “{product}”: design {design}, colour {colour}, size {size}, price {price}. Shall I send you the full specifications and a comparison?"),
    ("parameter_focused", "insurance", "zh-hans", "{customer}您好，为您整理了一款{category}「{product}」的要点：保障形式{design}，保障期限{size}，参考保费{price}起。需要我按您的情况做一份保障测算吗？"),
    ("parameter_focused", "insurance", "yue", "{customer}你好，同你整理咗{category}「{product}」嘅重点：保障形式{design}，保障期{size}，保费{price}起。想唔想我按你情况计一计保障？"),
    ("parameter_focused", "insurance", "en", "Hello {customer}, here are the key terms of the {category} “{product}”: cover type {design}, term {size}, premiums from {price}. Shall I work out the cover for your situation?"),
    ("parameter_focused", "banking", "zh-hans", "{customer}您好，{category}「{product}」的主要信息：产品类型{design}，期限{size}，起购金额{price}。收益、风险等级和费率明细我可以逐项给您说明。"),
    ("parameter_focused", "banking", "yue", "{customer}你好，{category}「{product}」嘅主要资料：类型{design}，期限{size}，起购{price}。回报、风险等级同收费，我可以逐项同你讲。"),
    ("parameter_focused", "banking", "en", "Hello {customer}, the key facts of the {category} “{product}”: type {design}, term {size}, minimum {price}. I can walk you through the return, risk level and fees item by item."),
    ("parameter_focused", "", "zh-hans", "{customer}您好，给您介绍一款{category}「{product}」：{design}，{colour}，{size}，价格{price}。需要详细参数随时告诉我。"),
    ("parameter_focused", "", "yue", "{customer}你好，介绍一款{category}「{product}」俾你：{design}，{colour}，{size}，价钱{price}。要详细资料随时搵我。"),
    ("parameter_focused", "", "en", "Hello {customer}, may I introduce the {category} “{product}”: {design}, {colour}, {size}, {price}. Ask me for the full details any time."),
    # concise results: the benefit, short
    ("concise_results", "home", "zh-hans", "{customer}您好，直接说重点：{category}「{product}」，{price}，现货可约送装。要不要今天帮您锁定？"),
    ("concise_results", "home", "yue", "{customer}你好，讲重点：{category}「{product}」，{price}，有现货可以约送货安装。今日帮你留住好唔好？"),
    ("concise_results", "home", "en", "Hello {customer}, in short: the {category} “{product}”, {price}, in stock with delivery and installation. Shall I reserve one for you today?"),
    ("concise_results", "insurance", "zh-hans", "{customer}您好，一句话：{category}「{product}」，{size}保障，{price}起，投保流程十分钟。现在帮您算一下保费？"),
    ("concise_results", "insurance", "yue", "{customer}你好，一句讲晒：{category}「{product}」，保障{size}，{price}起，十分钟投保。而家同你计保费？"),
    ("concise_results", "insurance", "en", "Hello {customer}, in one line: the {category} “{product}”, cover {size}, from {price}, ten minutes to apply. Shall I quote your premium now?"),
    ("concise_results", "banking", "zh-hans", "{customer}您好，简单说：{category}「{product}」，期限{size}，{price}起购，手续线上即可办理。需要我帮您预约吗？"),
    ("concise_results", "banking", "yue", "{customer}你好，简单讲：{category}「{product}」，期限{size}，{price}起，网上就办得。使唔使帮你预约？"),
    ("concise_results", "banking", "en", "Hello {customer}, briefly: the {category} “{product}”, term {size}, from {price}, all online. Shall I book it for you?"),
    ("concise_results", "", "zh-hans", "{customer}您好，为您推荐{category}「{product}」，{price}。需要的话我马上为您安排。"),
    ("concise_results", "", "yue", "{customer}你好，推荐{category}「{product}」俾你，{price}。需要嘅话即刻同你安排。"),
    ("concise_results", "", "en", "Hello {customer}, I recommend the {category} “{product}” at {price}. Say the word and I will arrange it."),
    # reassuring relationship: trust, service, no pressure
    ("reassuring_relationship", "home", "zh-hans", "{customer}您好，我是您的顾问{salesperson}。最近很多老客户选了这款{category}「{product}」，{colour}很耐看，还有上门安装和售后保障。您慢慢看，有任何问题随时问我。"),
    ("reassuring_relationship", "home", "yue", "{customer}你好，我係你嘅顾问{salesperson}。最近好多熟客都拣咗呢款{category}「{product}」，{colour}好耐睇，仲有上门安装同售后。你慢慢睇，有咩问题随时问我。"),
    ("reassuring_relationship", "home", "en", "Hello {customer}, this is {salesperson}, your adviser. Many of our regular customers have chosen the {category} “{product}”; the {colour} finish wears well, and installation and after-sales care are included. Take your time, and ask me anything."),
    ("reassuring_relationship", "insurance", "zh-hans", "{customer}您好，我是{salesperson}。家人的保障最重要，这款{category}「{product}」理赔流程清楚，我会全程陪您办理。不着急做决定，先帮您把保障讲明白。"),
    ("reassuring_relationship", "insurance", "yue", "{customer}你好，我係{salesperson}。屋企人嘅保障最紧要，呢款{category}「{product}」理赔清楚，我会全程陪住你。唔使急住决定，我先同你讲清楚保障。"),
    ("reassuring_relationship", "insurance", "en", "Hello {customer}, this is {salesperson}. Your family's protection matters most: the {category} “{product}” has a clear claims process and I will be with you all the way. No rush to decide; let me first explain the cover."),
    ("reassuring_relationship", "banking", "zh-hans", "{customer}您好，我是{salesperson}。这款{category}「{product}」稳健透明，期限{size}，{price}起。资金安全是第一位的，您有任何顾虑我都可以慢慢解释。"),
    ("reassuring_relationship", "banking", "yue", "{customer}你好，我係{salesperson}。呢款{category}「{product}」稳阵透明，期限{size}，{price}起。资金安全最重要，你有咩担心我都可以慢慢解释。"),
    ("reassuring_relationship", "banking", "en", "Hello {customer}, this is {salesperson}. The {category} “{product}” is steady and transparent, term {size}, from {price}. The safety of your money comes first; I am happy to explain anything that concerns you."),
    ("reassuring_relationship", "", "zh-hans", "{customer}您好，我是{salesperson}，很高兴为您服务。这款{category}「{product}」口碑很好，您有任何问题随时找我。"),
    ("reassuring_relationship", "", "yue", "{customer}你好，我係{salesperson}，好高兴为你服务。呢款{category}「{product}」口碑好好，有咩问题随时搵我。"),
    ("reassuring_relationship", "", "en", "Hello {customer}, this is {salesperson}, glad to help. The {category} “{product}” is well liked by our customers; ask me anything, any time."),
    # emotional resonance: scenes and feelings
    ("emotional_resonance", "home", "zh-hans", "{customer}您好！想象一下周末窝在{colour}的{category}「{product}」里，阳光洒进客厅——{design}的设计让家一下子就有了温度。要不要看看实拍效果？"),
    ("emotional_resonance", "home", "yue", "{customer}你好！谂下周末攞张{colour}嘅{category}「{product}」喺客厅，晒住太阳——{design}嘅设计即刻令屋企暖晒。想唔想睇下实拍？"),
    ("emotional_resonance", "home", "en", "Hello {customer}! Picture a weekend afternoon on the {colour} {category} “{product}” with the sun coming in: its {design} design makes a home feel warm at once. Would you like to see real photos?"),
    ("emotional_resonance", "insurance", "zh-hans", "{customer}您好！给家人一份安心，是最温暖的礼物。{category}「{product}」陪伴{size}，让您和家人把时间花在更美好的事情上。想听听其他家庭是怎么安排的吗？"),
    ("emotional_resonance", "insurance", "yue", "{customer}你好！俾屋企人一份安心，係最暖嘅礼物。{category}「{product}」陪伴{size}，等你同屋企人专心享受生活。想唔想听下其他家庭点安排？"),
    ("emotional_resonance", "insurance", "en", "Hello {customer}! Peace of mind is the warmest gift for a family. The {category} “{product}” is there for {size}, so you and yours can spend time on what matters. Would you like to hear how other families planned it?"),
    ("emotional_resonance", "banking", "zh-hans", "{customer}您好！每一笔积累都在为梦想加速——{category}「{product}」，期限{size}，{price}起，让钱稳稳地为您工作。想聊聊您的下一个目标吗？"),
    ("emotional_resonance", "banking", "yue", "{customer}你好！每一笔积蓄都帮你行近个梦想——{category}「{product}」，期限{size}，{price}起，等啲钱稳稳阵阵帮你做嘢。想倾下你下一个目标吗？"),
    ("emotional_resonance", "banking", "en", "Hello {customer}! Every bit you put aside brings a dream closer: the {category} “{product}”, term {size}, from {price}, lets your money work steadily for you. Shall we talk about your next goal?"),
    ("emotional_resonance", "", "zh-hans", "{customer}您好！这款{category}「{product}」一上架就很受欢迎，我第一时间想到了您。想看看吗？"),
    ("emotional_resonance", "", "yue", "{customer}你好！呢款{category}「{product}」一上架就好受欢迎，我第一时间谂起你。想睇下吗？"),
    ("emotional_resonance", "", "en", "Hello {customer}! The {category} “{product}” has been a hit since it arrived, and I thought of you first. Would you like a look?"),
]


def load(apps, schema_editor):
    CommunicationType = apps.get_model("intent", "CommunicationType")
    PersonalityType = apps.get_model("intent", "PersonalityType")
    PersonalityTrait = apps.get_model("intent", "PersonalityTrait")
    LevelCriterion = apps.get_model("intent", "LevelCriterion")
    LevelThresholds = apps.get_model("intent", "LevelThresholds")
    GreetingTemplate = apps.get_model("intent", "GreetingTemplate")

    ctypes = {
        code: CommunicationType.objects.create(code=code, name=name, guidance=guidance)
        for code, name, guidance in COMMUNICATION_TYPES
    }
    ptypes = {
        code: PersonalityType.objects.create(
            code=code, name=name, description=description, communication_type=ctypes[ctype]
        )
        for code, name, description, ctype in PERSONALITY_TYPES
    }
    PersonalityTrait.objects.bulk_create(
        PersonalityTrait(feature=feature, value=value, personality_type=ptypes[ptype], weight=Decimal(weight))
        for feature, value, ptype, weight in TRAITS
    )
    LevelCriterion.objects.bulk_create(
        LevelCriterion(
            name=name, input=input_, min_value=Decimal(minimum) if minimum else None, values=values, points=points
        )
        for name, input_, minimum, values, points in LEVEL_CRITERIA
    )
    LevelThresholds.objects.create(high_net_worth_points=80, general_points=25)
    GreetingTemplate.objects.bulk_create(
        GreetingTemplate(communication_type=ctypes[ctype], line_of_business=line, language=language, text=text)
        for ctype, line, language, text in GREETINGS
    )


def unload(apps, schema_editor):
    for name in ("GreetingTemplate", "PersonalityTrait", "PersonalityType", "CommunicationType", "LevelCriterion",
                 "LevelThresholds"):  # fmt: skip
        apps.get_model("intent", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("intent", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
