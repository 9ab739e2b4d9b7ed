"""Reproducible generator of ``reply_history.jsonl`` (training data for the reply-script suggester).

Each output line is one customer sentence from a sales call together with the reply script the
salesperson actually used::

    {"text": ..., "context": [...], "emotion": ..., "scene": ..., "category": ..., "script": ...}

The lines are built from hand-written paraphrase lists per script (see ``SCRIPT_LINES``), a set of
"contrast" groups in which the same words said with a different emotion call for a different script
(see ``CONTRAST``), filler/recogniser-style variants of those paraphrases, and context sentences drawn
from per-scene and per-category pools.  Everything is driven by ``random.Random(SEED)``, so running

    python dialogue/calls/seed/make_reply_history.py

always rewrites the same ``reply_history.jsonl`` next to this file.  The script keys are checked
against ``reply_scripts.json`` (also next to this file): every key must exist there, have the same
language as the line, and be used at least ``MIN_PER_SCRIPT`` times.  Only the standard library is used.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS_FILE = HERE / "reply_scripts.json"
OUTPUT_FILE = HERE / "reply_history.jsonl"

SEED = 20240611
MIN_PER_SCRIPT = 8
DEFAULT_TARGET = 13
ZH_MAX_CHARS = 40
EN_MAX_CHARS = 60

SCENES = ("opening", "pre_sale", "objection", "after_sale", "closing", "general")
EMOTIONS = ("excited", "joyful", "angry", "calm", "low", "lost")
FURNITURE = ("sofa", "bed", "dining-table", "wardrobe", "lighting")
INSURANCE = ("critical-illness", "medical", "term-life", "annuity", "accident")
BANKING = ("time-deposit", "large-cd", "wealth", "fund", "loan", "credit-card")
CODES = FURNITURE + INSURANCE + BANKING

# Category groups usable in the line tables below.
CATEGORY_GROUPS = {
    "*": ("",) + CODES,  # anything, "" included
    "-": ("",),
    "furn": ("",) + FURNITURE,  # home furnishing or unspecified
    "furn!": FURNITURE,
    "ins": INSURANCE,
    "bank": BANKING,
    "fin": INSURANCE + BANKING,
}

# ---------------------------------------------------------------------------------------------------
# Per-script paraphrases.  key -> (default scene, default emotions, default categories, lines) where
# each line is "text | emotions | scene | categories" and the last three fields are optional
# (empty = the default).  Emotions and categories are comma-separated; categories may name a group.
# ---------------------------------------------------------------------------------------------------
SCRIPT_LINES: dict[str, tuple[str, str, str, str]] = {
    # ---- opening ----
    "opening-self-introduction": (
        "opening",
        "calm,calm,joyful",
        "*",
        """
        喂，你好
        你好，哪位
        你是哪里啊
        喂？请问你是谁
        哪位啊
        你好，你是干什么的
        喂，谁呀
        你是哪家公司的
        您好，哪位找我
        喂你好你好
        你谁啊 | calm
        喂，哪位，说话呀
        你好你是那位 | calm
    """,
    ),
    "opening-ask-two-minutes": (
        "opening",
        "calm",
        "*",
        """
        是推销吗
        你要说很久吗
        我时间不多啊
        要说多长时间
        你简单说说吧，我就几分钟
        是做广告的吗
        你这是营销电话吧
        我就几分钟时间，你长话短说
        讲快点啊，我一会儿还有事
        你们是搞销售的吧
    """,
    ),
    "opening-explain-number-source": (
        "opening",
        "calm,calm,lost",
        "*",
        """
        你怎么有我电话的
        我的号码你们从哪弄来的 | calm,angry
        谁给你的我电话 | calm,angry
        我什么时候留过电话了
        我没在你们那留过信息啊
        你们怎么知道我姓什么的
        我好像没找过你们吧 | lost
        你们是怎么联系到我的
        我的信息是不是被泄露了 | angry,calm
        我以前咨询过你们吗 | lost
        我电话是谁给你们的啊 | angry
    """,
    ),
    "opening-state-purpose": (
        "opening",
        "calm,calm,joyful",
        "*",
        """
        有什么事你说吧
        嗯，什么事
        你说吧，我听着
        找我有什么事吗
        说吧，啥事
        好的你讲
        你打电话来是有什么事
        嗯，有事吗
        行，你说说看
        什么活动啊，你说说 | joyful
    """,
    ),
    "opening-wrong-number": (
        "opening",
        "calm",
        "*",
        """
        你打错了吧
        我不是他，你打错了
        这不是王先生的电话
        我不姓李啊
        你找谁？我们这没这个人
        号码打错了
        我不认识你说的这个人
        你找错人了
        他换号了，这是我的号码了
    """,
    ),
    # ---- pre_sale, general ----
    "spec-question-answer-offer": (
        "pre_sale",
        "calm,calm,joyful,excited",
        "*",
        """
        这个尺寸是多大的 | | | furn
        有没有具体参数
        这款的材质是什么 | | | furn
        能承重多少 | | | sofa,bed,dining-table,wardrobe
        功率是多少瓦 | | | lighting
        保额最高能买多少 | | | ins
        这个产品投保年龄有限制吗 | | | ins
        起存金额是多少 | | | time-deposit,large-cd
        起购金额多少 | | | wealth,fund
        额度最高能批多少 | | | loan,credit-card
        有几种颜色可以选 | | | furn
        它是实木的吗 | | | bed,dining-table,wardrobe
        那个，具体配置都有啥
        详细规格能发我一份吗
        这款有多重 | | | furn
    """,
    ),
    "needs-recommendation": (
        "pre_sale",
        "calm,calm,joyful,excited",
        "*",
        """
        有什么推荐的吗
        你帮我推荐一款吧
        我想买个沙发，不知道选哪个 | | | sofa
        哪款比较适合我
        家里有老人孩子，买哪种好 | | | furn,ins
        我预算不多，有合适的吗
        给我爸妈买什么保险好 | | | ins
        三十岁买哪种保险合适 | | | ins
        有十万块闲钱放哪比较好 | | | time-deposit,large-cd,wealth,fund
        你们都有哪些产品
        有没有性价比高一点的
        小户型适合哪种 | | | furn!
    """,
    ),
    "product-highlights": (
        "pre_sale",
        "calm,joyful,excited",
        "*",
        """
        这款有什么特点
        跟普通的比好在哪
        它最大的优势是啥
        为什么卖得这么好
        你们家的产品有啥不一样的
        有什么亮点吗
        这个值得买吗 | calm
        凭什么选你们家的 | calm
        听起来不错，还有什么好处 | joyful,excited
        哇这个挺好的，还有别的优点吗 | excited
    """,
    ),
    "send-materials": (
        "pre_sale",
        "calm",
        "*",
        """
        有资料吗，发我看看
        你发个资料给我吧
        有没有图片
        发我微信上吧
        能不能把介绍发我一下
        我先看看资料再说
        有宣传册吗
        你把方案发我邮箱
        有没有视频可以看看
        有没有文字版的介绍
    """,
    ),
    "visit-appointment": (
        "pre_sale",
        "calm,joyful,excited",
        "*",
        """
        能去店里看看吗 | | | furn
        你们门店在哪 | | | furn
        我想去看一下实物 | | | furn!
        周末能去你们那体验吗 | | | furn
        可以到网点办理吗 | | | bank
        线下有地方能看吗 | | | furn
        我想当面聊聊
        你们展厅几点开门 | | | furn!
        能去你们营业厅当面办吗 | | | fin
        我想先去店里坐坐试试 | | | sofa
    """,
    ),
    "delivery-time": (
        "pre_sale",
        "calm,calm,joyful,excited",
        "furn",
        """
        多久能送到
        下单后几天发货
        什么时候能到货
        月底之前能送到吗
        送货要多长时间
        我下周搬家，来得及吗
        是现货吗，要等多久
        能不能指定日子送
        你们包送货上门吗
        定制的要做多久 | | | wardrobe
        送货和安装是一起的吗
        太好了，那多久能送到啊 | excited
    """,
    ),
    # ---- pre_sale, category-specific ----
    "sofa-fabric-care": (
        "pre_sale",
        "calm,calm,joyful",
        "sofa",
        """
        沙发好不好打理
        布沙发脏了怎么洗
        家里有猫，会不会抓坏
        这个布料防水吗
        沙发套能拆下来洗吗
        孩子老往沙发上洒东西，好清理吗
        科技布容易脏吗
        这个面料起球吗
        布艺的会不会很难打理啊
        洒了咖啡能擦掉吗
    """,
    ),
    "bed-mattress-support": (
        "pre_sale",
        "calm,calm,joyful",
        "bed",
        """
        床垫软还是硬
        我腰不好，睡哪种床垫好
        床垫太软的话我睡不习惯
        这个床垫是弹簧的吗
        睡着会不会腰疼
        床垫能试睡吗
        老人睡用哪个床垫好
        床垫有没有偏硬一点的
        两个人睡会不会互相影响
        乳胶的还是弹簧的好
    """,
    ),
    "dining-table-material": (
        "pre_sale",
        "calm,calm,joyful",
        "dining-table",
        """
        餐桌是什么材质的
        岩板的耐不耐烫
        桌面会不会刮花
        热锅能直接放上面吗
        这个桌子怕不怕油
        餐桌好擦吗
        岩板会不会裂
        大理石和岩板哪个好
        桌面用的是什么板子
        小孩拿刀叉划了会留印子吗
    """,
    ),
    "wardrobe-free-measure": (
        "pre_sale",
        "calm,calm,joyful",
        "wardrobe",
        """
        衣柜能定制吗
        我家墙不规则能做吗
        你们上门量尺寸吗
        量尺寸收费吗
        能先出个设计图吗
        衣柜怎么算价格
        我想做个到顶的衣柜
        能不能按我家尺寸做
        定制衣柜要先交钱吗
        设计不满意怎么办
    """,
    ),
    "lighting-smart-control": (
        "pre_sale",
        "calm,calm,joyful",
        "lighting",
        """
        灯能用手机控制吗
        能不能语音开关灯
        亮度能调吗
        能不能一键切换观影模式
        要不要装什么app
        我家没有智能音箱能用吗
        安装的时候会帮忙设置吗
        灯能定时开关吗
        能连小爱同学吗
        老人不会用手机，能用开关吗
    """,
    ),
    "critical-illness-waiting-period": (
        "pre_sale",
        "calm,calm,joyful",
        "critical-illness",
        """
        重疾险有等待期吗
        等待期是多久
        买了多久能赔
        刚买就生病了能赔吗
        等待期内得病怎么办
        确诊了是一次性赔吗
        等待期能不能短一点
        过了等待期才保吗
        那个等待期是啥
        重疾险什么时候开始生效
    """,
    ),
    "medical-reimbursement": (
        "pre_sale",
        "calm,calm,joyful",
        "medical",
        """
        医疗险能报多少
        有免赔额吗
        社保报了还能再报吗
        自费药能报吗
        住院花了五万能报多少
        门诊能报销吗
        进口药在不在范围里
        报销比例是多少
        有医保和没医保区别大吗
        一万免赔是什么意思啊 | calm
    """,
    ),
    "term-life-coverage": (
        "pre_sale",
        "calm,calm,joyful",
        "term-life",
        """
        定期寿险保什么
        寿险和重疾险有啥区别
        能保到多少岁
        人要是没了家里能拿多少
        定期寿险值不值得买
        为什么要买寿险
        我有房贷，需要买寿险吗
        保费为什么这么便宜
        一年交多少能保一百万
        寿险是保啥的
    """,
    ),
    "annuity-guaranteed-payout": (
        "pre_sale",
        "calm,calm,joyful",
        "annuity",
        """
        年金险每年能领多少
        从几岁开始领
        领的钱是固定的吗
        能给孩子存教育金吗
        养老钱怎么规划好
        年金险收益确定吗
        领多少合同里写了吗
        一直领到什么时候
        交十年后能领多少
        这个年金是保证领取的吗
    """,
    ),
    "accident-coverage": (
        "pre_sale",
        "calm,calm,joyful",
        "accident",
        """
        意外险保哪些
        意外险多少钱一年
        出差出事能赔吗
        摔伤了能报销吗
        上下班路上出事算吗
        旅游的时候也保吗
        意外险包不包医疗
        骨折能赔吗
        我经常开车，需要买意外险吗
        意外险保不保猝死
    """,
    ),
    "time-deposit-rate": (
        "pre_sale",
        "calm,calm,joyful",
        "time-deposit",
        """
        定期利率多少
        存三年利息多少
        现在存定期划算吗
        存五年是不是利率更高
        十万存一年有多少利息
        定期利率是多少来着
        定期和活期差多少
        整存整取利息怎么算
        利息是到期一起给吗
        存两年和存三年利率差多少
    """,
    ),
    "large-cd-early-transfer": (
        "pre_sale",
        "calm,calm,joyful",
        "large-cd",
        """
        大额存单能提前取吗
        中途急用钱怎么办
        提前取利息还有吗
        大额存单可以转让吗
        存了一半想取出来亏不亏
        万一急需用钱能拿出来吗
        大额存单流动性怎么样
        提前支取按什么利率算
        存三年太长了，中间要用怎么办
        大额存单能不能中途转给别人
    """,
    ),
    "wealth-risk-level": (
        "pre_sale",
        "calm,calm,joyful",
        "wealth",
        """
        理财会亏本吗
        这个理财风险大吗
        收益能保证吗
        业绩比较基准是啥
        这个是什么风险等级
        理财和存款哪个安全
        这笔钱放多久比较合适
        年化收益是确定的吗
        这个理财稳不稳
        会不会跟去年那样破净
    """,
    ),
    "fund-risk": (
        "pre_sale",
        "calm,calm,joyful",
        "fund",
        """
        基金会亏吗
        基金保本吗
        买基金风险大不大
        最近基金跌得厉害，还能买吗
        定投靠谱吗
        我没买过基金，怕亏
        基金收益能有多少
        一次买还是分批买好
        我能承受多少风险怎么看
        这个基金波动大吗
    """,
    ),
    "loan-rate": (
        "pre_sale",
        "calm,calm,joyful",
        "loan",
        """
        贷款利息多少
        年化利率是多少
        我能贷多少
        我这种情况能批吗
        利率能不能再低点 | calm | objection
        贷款要什么条件
        利息怎么算
        先帮我看看能贷多少
        经营贷和消费贷利率一样吗
        贷款利率是固定的吗
    """,
    ),
    "credit-card-annual-fee": (
        "pre_sale",
        "calm,calm,joyful",
        "credit-card",
        """
        信用卡有年费吗
        年费多少
        怎么免年费
        刷几次能免年费
        办这张卡要收钱吗
        第二年要交年费吗
        这卡有啥权益
        不用的话会扣年费吗
        年费是自动扣的吗
        年费贵不贵 | calm | objection
    """,
    ),
    # ---- objection ----
    "price-value-breakdown": (
        "objection",
        "calm",
        "*",
        """
        有点贵啊
        价格有点高
        比我想的贵
        值这个价吗
        凭什么卖这么贵
        为什么比网上贵这么多
        保费有点高 | | | ins
        这价格不便宜啊
        感觉不太值
        就一个沙发要八千多 | | | sofa
        贵了点吧
        一个灯要这么多钱 | | | lighting
    """,
    ),
    "angry-price-apologise-value": (
        "objection",
        "angry",
        "*",
        """
        你们这是抢钱吧
        这么贵谁买啊
        坑人吧这个价
        贵得离谱
        开什么玩笑，这么贵
        太贵了吧，你们疯了吧
        你们就是在宰客
        卖这么贵良心不痛吗
        这价格你自己信吗
        别家便宜一半，你们坑人啊
    """,
    ),
    "price-instalments": (
        "objection",
        "calm",
        "furn",
        """
        一次拿不出这么多钱
        能分期吗
        可以分期付款吗
        预算不太够
        这个价格超出我预算了
        一下子付全款压力大
        有没有免息分期
        能不能先付一部分
        月供的话每月多少
        信用卡分期可以吗
    """,
    ),
    "discount-promotion": (
        "objection",
        "calm,calm,joyful,excited",
        "*",
        """
        能便宜点吗
        有优惠吗
        有没有活动
        打不打折
        最近有什么活动吗 | joyful
        能再少点吗
        老客户有优惠吗
        送不送东西
        双十一会不会更便宜
        便宜点我就买
        有没有优惠券
        团购有折扣吗
        能不能给个折扣
    """,
    ),
    "competitor-comparison": (
        "objection",
        "calm",
        "*",
        """
        别家更便宜
        别人家的比你们便宜
        我看网上同款才一半价钱 | | | furn!
        你们跟宜家比怎么样 | | | furn!
        招行的利率比你们高 | | | time-deposit,large-cd,loan
        别的保险公司也在给我推 | | | ins
        我在另一家看过了
        你们和别家有什么区别
        人家送的东西比你们多
        朋友推荐了另一家
        别家的是不是更好
        我再对比对比别家
    """,
    ),
    "think-it-over-follow-up": (
        "objection",
        "calm",
        "*",
        """
        我再考虑考虑
        让我想想
        不急，我再看看
        先不定，我想一想
        我还没想好
        这事不着急，我琢磨琢磨
        我得好好想想
        等我想清楚再联系你
        先这样吧，我考虑下
    """,
    ),
    "trust-reassurance": (
        "objection",
        "calm",
        "*",
        """
        你们靠谱吗
        不会是骗子吧
        你们公司正规吗
        我怎么知道你说的是真的
        有营业执照吗
        出了问题找谁
        网上说你们不太好
        你真的是银行打来的吗 | | | bank
        保险都是骗人的吧 | | | ins
        我怕上当
        你们这个有没有资质
    """,
    ),
    "discuss-with-family": (
        "objection",
        "calm",
        "*",
        """
        我得跟老婆商量一下
        回去问问我老公
        这事我做不了主
        要跟家里人商量
        我问问我爸妈
        得我对象同意才行
        我回去跟家里说说
        家里钱是我媳妇管的
        我儿子说了算
        等我爱人回来再说
    """,
    ),
    "not-interested-leave-contact": (
        "objection",
        "calm",
        "*",
        """
        暂时不需要
        我没兴趣
        我们家已经有了
        刚买过了，用不上
        目前没这个打算
        不考虑
        我已经买了别家的
        这个我用不着
        没这个需求
        不用了，谢谢
    """,
    ),
    # ---- after_sale ----
    "complaint-apology-fix": (
        "after_sale",
        "angry,angry,low",
        "furn",
        """
        才用了一个月就坏了
        你们质量太差了 | angry
        沙发塌了一块 | | | sofa
        灯一直闪 | | | lighting
        衣柜门关不上 | | | wardrobe
        安装师傅态度太差了 | angry
        送来的桌子有划痕 | | | dining-table
        我要投诉 | angry | | *
        理赔拖了一个月还没结果 | angry | | ins
        你们乱扣我钱 | angry | | credit-card,loan
        气死我了，床垫一股味 | angry | | bed
        打了三次电话都没人管 | angry | | *
        唉，刚买就出问题 | low
    """,
    ),
    "refund-return-process": (
        "after_sale",
        "calm",
        "furn",
        """
        怎么退货
        能退吗
        不想要了，能退款吗
        七天无理由退吗
        尺寸不合适想换一个
        颜色不喜欢能换吗
        退款多久到账
        退货要运费吗
        怎么申请退款
        买错了能退吗
    """,
    ),
    "warranty": (
        "after_sale",
        "calm",
        "furn",
        """
        保修多久 | | pre_sale
        质保几年 | | pre_sale
        保修期多长时间 | | pre_sale
        保休几年啊 | | pre_sale
        坏了保修吗 | | pre_sale
        过了一年还保修吗
        我买的还在保修期内吗
        电机坏了算不算保修 | | | sofa
        保修是上门修还是要自己送 | | pre_sale
        灯坏了能保修吗 | | | lighting
        延保怎么算 | | pre_sale
        质保卡丢了还能保修吗
    """,
    ),
    "repair-visit-booking": (
        "after_sale",
        "calm",
        "furn",
        """
        沙发有点响 | | | sofa
        床板有声音 | | | bed
        灯不亮了 | | | lighting
        衣柜门有点歪 | | | wardrobe
        桌腿有点晃 | | | dining-table
        能派人来修一下吗
        师傅什么时候能上门
        要报修找谁
        抽屉拉不开了 | | | wardrobe
        有个螺丝松了，能来看看吗
    """,
    ),
    "order-status-check": (
        "after_sale",
        "calm,calm,angry",
        "furn",
        """
        我的货到哪了
        怎么还没发货
        说好今天送的，人呢 | angry
        物流一直没更新
        订单是什么状态
        大概几号能到
        货还没到
        什么时候送货啊，等好久了 | angry
        帮我查一下订单
        单号查不到是怎么回事
    """,
    ),
    "insurance-claim-process": (
        "after_sale",
        "calm,calm,low",
        "ins",
        """
        怎么理赔
        出险了找谁
        理赔要什么材料
        住院了怎么报销 | | | medical
        我摔伤了，怎么申请赔 | | | accident
        理赔要多久
        需要原件吗
        确诊了下一步怎么办 | low | | critical-illness
        报案电话是多少
        家里人住院了，怎么走理赔 | low
        理赔麻不麻烦
    """,
    ),
    # ---- closing ----
    "ready-to-buy-send-link": (
        "closing",
        "calm,calm,joyful",
        "*",
        """
        怎么买
        在哪下单
        好的那我买了
        那就要这款了
        怎么办理 | | | fin
        现在能下单吗
        把链接发我吧
        我要订一个 | | | furn
        你发我购买链接
        在手机上能买吗
        哪里可以投保 | | | ins
        那我在哪里申请 | | | bank
    """,
    ),
    "excited-confirm-close": (
        "closing",
        "excited",
        "*",
        """
        太好了，就要这个！
        太棒了，我现在就要
        哇这个太适合我了
        就它了，赶紧帮我办
        早知道早买了，马上定
        好好好，我要了
        这个价格太划算了，我买两个 | | | furn!
        真不错，今天就办！
        太好了，终于找到想要的了
    """,
    ),
    "thanks-closing": (
        "closing",
        "calm,joyful",
        "*",
        """
        谢谢啊
        好的谢谢你
        麻烦你了
        辛苦了，再见
        谢谢你的介绍
        好，那先这样，拜拜
        多谢多谢
        明白了，谢谢
        感谢啊，挺详细的
        行，知道了，再见
    """,
    ),
    "payment-methods": (
        "closing",
        "calm,joyful",
        "furn",
        """
        怎么付款
        可以刷卡吗
        能用微信付吗
        支持支付宝吗
        货到付款行不行
        付款方式有哪些
        可以用信用卡吗
        付完钱怎么确认
        到店付可以吗
        扫码付行吗
    """,
    ),
    "add-wechat-follow-up": (
        "closing",
        "calm,joyful",
        "*",
        """
        加个微信吧
        你微信多少
        后面有活动通知我
        以后有优惠告诉我一声
        我们微信上聊吧
        方便留个微信吗
        有新款了跟我说 | | | furn
        先加个好友吧
        微信号就是这个手机号
        有什么消息发我微信
    """,
    ),
    # ---- general ----
    "busy-call-back": (
        "general",
        "calm",
        "*",
        """
        在开会呢，晚点再说
        我这会儿在开车，不方便
        正忙着呢，回头再聊吧
        我在上班，现在不方便接电话
        在忙，等会儿再打过来吧
        你晚点打吧，我这边有点事
        我在外面办事呢，改天说
        现在真没空，下午再说行不
        那个我这会儿在带孩子，晚点吧
        在开会那
        我马上要登机了，回来再说
        手上有活儿呢，你晚上打过来
    """,
    ),
    "annoyed-apologise-end": (
        "general",
        "angry",
        "*",
        """
        别再给我打电话了
        烦不烦啊，天天打
        说了不需要还打，有完没完
        你们这推销电话能不能别打了
        怎么又是推销电话 | | opening
        再打我就投诉你们了
        不要再打了，把我号码删了
        我说了多少遍了不要
        别烦我了行吗
        你们怎么老打电话骚扰人
        在开会呢，烦死了别打了
        挂了挂了，别再打来
    """,
    ),
    "lost-simplify-step-by-step": (
        "general",
        "lost",
        "*",
        """
        我听不太懂
        太复杂了，我搞不明白
        那我具体要怎么做
        我不太会用手机操作
        你说的这些我有点晕
        一步一步怎么办理啊
        我年纪大了，你说慢点
        这些名词我都不懂 | | pre_sale
        到底选哪个我都糊涂了 | | pre_sale
        头都大了，你再说一下
        我也不太明白，再考虑考虑吧 | | objection
    """,
    ),
    "low-mood-empathise": (
        "general",
        "low",
        "*",
        """
        最近没什么心情
        家里出了点事
        唉，最近挺烦的
        工作丢了，哪有心思买东西
        身体不太好，先不考虑了
        唉，说了也没用
        心里挺乱的
        家里都不想弄了
        现在啥都不想管
        唉，最近事情太多了
    """,
    ),
    "ask-for-person-arrange-manager": (
        "general",
        "calm,angry",
        "*",
        """
        叫你们经理来 | angry
        我要跟你们领导说
        你做不了主吧，找个能做主的
        找你们负责人
        让你们主管给我打电话
        我要找上次那个顾问 | calm
        能换个人跟我说吗
        你们老板在吗 | calm
        把你们店长叫来 | angry | | furn
        有没有专门的人跟我对接 | calm
        这事你管不了，叫领导 | angry | after_sale
    """,
    ),
    "signal-repeat": (
        "general",
        "calm,calm,lost",
        "*",
        """
        喂？喂？听得到吗
        你说什么，没听清
        信号不好
        刚才断了一下
        你再说一遍
        声音太小了
        喂，怎么没声了
        听不清楚你讲啥
        卡了，你说啥
        能大点声吗 | calm,angry
    """,
    ),
    # ---- English ----
    "opening-self-introduction-en": (
        "opening",
        "calm,calm,joyful",
        "*",
        """
        Hello, who is this?
        Hi, who's calling please?
        Yes? Who is this?
        Hello? Who am I speaking to?
        Sorry, who are you?
        Hi, what company is this?
        Who's this calling?
        Hello, may I ask who's calling?
    """,
    ),
    "busy-call-back-en": (
        "general",
        "calm",
        "*",
        """
        I'm in a meeting, call me later.
        I'm driving at the moment.
        Not a good time, sorry.
        Can you call back later?
        I'm at work right now.
        I'm a bit busy, maybe tomorrow?
        Sorry, I'm in the middle of something.
    """,
    ),
    "annoyed-apologise-end-en": (
        "general",
        "angry",
        "*",
        """
        Stop calling me!
        I said I'm not interested, stop it.
        This is the third call today!
        Take my number off your list.
        Don't call me again.
        I'm sick of these sales calls.
        How many times do I have to say no?
    """,
    ),
    "price-value-breakdown-en": (
        "objection",
        "calm",
        "*",
        """
        That's too expensive.
        It's a bit pricey.
        Why does it cost so much?
        Hmm, that's more than I expected.
        Is it really worth that price?
        The price seems high.
        That's quite expensive for a sofa. | | | sofa
        The premium is a bit high. | | | ins
        Seems pricey to me.
    """,
    ),
    "discount-promotion-en": (
        "objection",
        "calm,joyful",
        "*",
        """
        Any discounts?
        Is there a promotion now?
        Can you give me a better price?
        Do you have any deals this month?
        Any coupons?
        Is it cheaper on sale days?
        Do returning customers get a discount?
        Can you throw in a gift?
        Any special offers?
    """,
    ),
    "spec-question-answer-offer-en": (
        "pre_sale",
        "calm,joyful",
        "*",
        """
        What size is it exactly? | | | furn!
        What's it made of? | | | furn!
        What's the maximum coverage? | | | ins
        What's the minimum deposit? | | | time-deposit,large-cd
        Can you send me the full specs?
        How much weight can it hold? | | | sofa,bed,dining-table,wardrobe
        What colours does it come in? | | | furn!
        Is there an age limit to apply? | | | ins
    """,
    ),
    "delivery-time-en": (
        "pre_sale",
        "calm,joyful",
        "furn",
        """
        How long does delivery take?
        When will it arrive?
        Can you deliver before the weekend?
        How soon can you ship it?
        Do you deliver to my home?
        I'm moving next week, is that enough time?
        Can I choose the delivery date?
        Is it in stock?
        How many days after ordering?
    """,
    ),
    "complaint-apology-fix-en": (
        "after_sale",
        "angry",
        "furn",
        """
        It broke after a week!
        The sofa has a tear in it. | | | sofa
        This is terrible quality.
        The installer was really rude.
        The light keeps flickering. | | | lighting
        I want to make a complaint. | | | *
        The table arrived scratched. | | | dining-table
        You charged me twice! | | | credit-card,loan
        Nobody has replied to me for days. | | | *
    """,
    ),
    "ready-to-buy-send-link-en": (
        "closing",
        "calm,joyful",
        "*",
        """
        OK, how do I buy it?
        Where can I order?
        Alright, I'll take it.
        Send me the link please.
        Can I order online?
        Fine, let's go with this one.
        How do I sign up? | | | fin
        I'd like to order one. | | | furn
        What's the next step to order?
    """,
    ),
    "thanks-closing-en": (
        "closing",
        "calm,joyful",
        "*",
        """
        Thanks a lot.
        Thank you, that's helpful.
        OK, thanks, bye.
        Great, thanks for explaining.
        Appreciate it, goodbye.
        Thanks for your time.
        Got it, thank you.
        Cheers, bye now.
        Thank you so much.
    """,
    ),
    "lost-simplify-step-by-step-en": (
        "general",
        "lost",
        "*",
        """
        Sorry, I don't understand.
        That's too complicated for me.
        I'm confused, what do I do first?
        Can you explain it more simply?
        I'm not good with apps.
        I'm lost, can you slow down?
        All these terms confuse me.
        So what exactly should I do?
    """,
    ),
    "low-mood-empathise-en": (
        "general",
        "low",
        "*",
        """
        I'm not in the mood these days.
        Things have been tough lately.
        I just lost my job.
        Money's really tight right now. | | objection
        I don't really care anymore.
        It's been a bad month.
        My mom is in hospital.
        Sigh, I don't know.
    """,
    ),
    "ask-for-person-arrange-manager-en": (
        "general",
        "calm,angry",
        "*",
        """
        Let me talk to your manager. | angry
        Can I speak to someone in charge?
        Put your supervisor on. | angry
        I want the advisor I spoke to last time. | calm
        Is there someone more senior?
        Get me your boss. | angry
        Can someone else handle this?
        I'd like to speak to a real manager.
        Who's your manager? | calm
    """,
    ),
}

# ---------------------------------------------------------------------------------------------------
# Contrast groups: the same words, said with different emotions, call for different scripts.
# (texts, scene, categories, [(emotion, script), ...]).  Every text (and, for Chinese, one filler
# variant of it) is emitted once per (emotion, script) pair.
# ---------------------------------------------------------------------------------------------------
CONTRAST: list[tuple[tuple[str, ...], str, str, tuple[tuple[str, str], ...]]] = [
    (
        ("现在有事，不要说了", "我现在有事，不要说了", "在忙，别说了", "没空，不聊了"),
        "general",
        "*",
        (("calm", "busy-call-back"), ("angry", "annoyed-apologise-end")),
    ),
    (
        ("再说吧", "以后再说吧", "改天再说吧"),
        "general",
        "*",
        (("calm", "busy-call-back"), ("low", "low-mood-empathise")),
    ),
    (
        ("太贵了", "怎么这么贵", "这也太贵了吧", "价格太高了"),
        "objection",
        "*",
        (("calm", "price-value-breakdown"), ("angry", "angry-price-apologise-value")),
    ),
    (
        ("不需要", "不用了", "我不要"),
        "objection",
        "*",
        (("calm", "not-interested-leave-contact"), ("angry", "annoyed-apologise-end")),
    ),
    (
        ("东西坏了", "又坏了", "这个坏掉了"),
        "after_sale",
        "furn",
        (("calm", "repair-visit-booking"), ("angry", "complaint-apology-fix")),
    ),
    (
        ("我要退货", "我想退了", "这个我要退"),
        "after_sale",
        "furn",
        (("calm", "refund-return-process"), ("angry", "complaint-apology-fix")),
    ),
    (
        ("这个是什么意思", "这个参数是什么意思", "这一条是什么意思"),
        "pre_sale",
        "*",
        (("calm", "spec-question-answer-offer"), ("lost", "lost-simplify-step-by-step")),
    ),
    (
        ("我再考虑考虑吧", "我再想想", "考虑一下吧"),
        "objection",
        "*",
        (("calm", "think-it-over-follow-up"), ("low", "low-mood-empathise")),
    ),
    (
        ("手头有点紧", "最近手头有点紧", "钱不太够"),
        "objection",
        "furn",
        (("calm", "price-instalments"), ("low", "low-mood-empathise")),
    ),
    (
        ("行，就这个吧", "那就定了吧", "好，就要这款"),
        "closing",
        "*",
        (("calm", "ready-to-buy-send-link"), ("excited", "excited-confirm-close")),
    ),
    (
        ("又是推销电话吧", "推销的吧", "你们是卖东西的吧"),
        "opening",
        "*",
        (("calm", "opening-ask-two-minutes"), ("angry", "annoyed-apologise-end")),
    ),
    (
        ("I'm busy right now, can't talk.", "I'm busy, not now."),
        "general",
        "*",
        (("calm", "busy-call-back-en"), ("angry", "annoyed-apologise-end-en")),
    ),
    (
        ("Maybe later.", "Let's talk later."),
        "general",
        "*",
        (("calm", "busy-call-back-en"), ("low", "low-mood-empathise-en")),
    ),
    (
        ("What does that mean?", "What does that term mean?"),
        "pre_sale",
        "*",
        (("calm", "spec-question-answer-offer-en"), ("lost", "lost-simplify-step-by-step-en")),
    ),
]

# Scripts that get more than DEFAULT_TARGET lines (the frequent, general situations).
TARGETS = {
    "busy-call-back": 20,
    "annoyed-apologise-end": 20,
    "price-value-breakdown": 18,
    "angry-price-apologise-value": 16,
    "discount-promotion": 18,
    "competitor-comparison": 16,
    "spec-question-answer-offer": 18,
    "thanks-closing": 16,
    "ready-to-buy-send-link": 16,
    "complaint-apology-fix": 18,
    "lost-simplify-step-by-step": 20,
    "low-mood-empathise": 16,
    "opening-self-introduction": 16,
    "delivery-time": 16,
    "warranty": 16,
    "refund-return-process": 16,
    "excited-confirm-close": 18,
    "not-interested-leave-contact": 16,
    "think-it-over-follow-up": 16,
}
CATEGORY_SPECIFIC_TARGET = 12
EN_TARGET = 8

ZH_FILLERS = ("嗯，", "那个，", "就是", "呃，", "哎，", "嗯嗯，", "那个就是", "啊，", "就是说", "嗯那个，")
ZH_ANGRY_FILLERS = ("哎呀，", "我说，", "喂，", "哎，", "你听好，")
EN_FILLERS = ("Um, ", "Well, ", "Uh, ", "Oh, ", "Hmm, ", "So, ")
EN_ANGRY_FILLERS = ("Look, ", "Listen, ", "Seriously, ")

# ---------------------------------------------------------------------------------------------------
# Context pools: what was said just before the customer's sentence.
# ---------------------------------------------------------------------------------------------------
ZH_SCENE_CONTEXT = {
    "opening": (
        "喂，您好！",
        "您好，请问是机主本人吗？",
        "您好，打扰一下，我这边是客户服务中心的。",
        "喂，您好，这边是您之前咨询过的门店。",
        "您好，请问现在方便接电话吗？",
    ),
    "pre_sale": (
        "您想先了解哪方面？",
        "我给您简单介绍一下这款产品。",
        "您平时主要是自己用还是给家里人用？",
        "这款是我们今年卖得最好的。",
        "您还有什么想问的吗？",
    ),
    "objection": (
        "这款的活动价已经很实惠了。",
        "您觉得哪方面还不太满意？",
        "我给您报一下价格。",
        "这款性价比是很高的。",
        "您看今天能定下来吗？",
    ),
    "after_sale": (
        "您好，这里是售后回访。",
        "请问产品用得还满意吗？",
        "您好，您的订单上周已经签收了吧？",
        "有什么问题您尽管说。",
        "您好，我是您的售后顾问。",
    ),
    "closing": (
        "那您看今天定下来吗？",
        "还有什么想了解的吗？",
        "这款现在有现货。",
        "我说得还清楚吗？",
        "这个方案您觉得怎么样？",
    ),
    "general": (
        "您现在方便说话吗？",
        "我简单跟您说一下。",
        "您好，能听到我说话吗？",
        "嗯，您说。",
        "我们最近有个活动想跟您介绍一下。",
    ),
}
ZH_CUSTOMER_CONTEXT = ("嗯。", "哦，这样啊。", "嗯，你说。", "好的。", "嗯嗯。", "然后呢？")
ZH_CATEGORY_CONTEXT = {
    "sofa": ("这款云朵布艺沙发是三人位的，两米一长。", "沙发的活动价是五千九百九十九元。"),
    "bed": ("这款床不含床垫，床垫可以帮您另外搭配。", "悬浮软包储物床是一米五的。"),
    "dining-table": ("这款岩板伸缩餐桌能坐六到八个人。", "岩板餐桌平时一米四，能拉到一米八。"),
    "wardrobe": ("我们的衣柜都是全屋定制的。", "定制衣柜是按投影面积算价格的。"),
    "lighting": ("这套是无主灯智能照明套装。", "套装里有十二个筒灯和六个射灯。"),
    "critical-illness": ("这款重疾险保一百多种重疾。", "三十岁买五十万保额，一年几千块。"),
    "medical": ("这是一款百万医疗险。", "这款医疗险一年保费几百元。"),
    "term-life": ("定期寿险可以保到六十岁。", "一百万保额，一年一千多。"),
    "annuity": ("这款年金险交十年，六十岁开始领。", "年金险很适合做养老规划。"),
    "accident": ("这款意外险一年一百多块。", "意外医疗这部分是零免赔的。"),
    "time-deposit": ("现在三年期定期利率还不错。", "定期存款五十元就能起存。"),
    "large-cd": ("大额存单二十万起存。", "这期大额存单是三年期的。"),
    "wealth": ("这款理财产品是一年期的。", "这是我们行代销的稳健型理财。"),
    "fund": ("这只基金是偏股混合型的。", "您可以考虑每个月定投。"),
    "loan": ("我们有一款消费贷，线上就能申请。", "装修贷最高能贷三十万。"),
    "credit-card": ("这张是我们的青春版信用卡。", "青春卡每个月都有外卖立减。"),
}
EN_SCENE_CONTEXT = {
    "opening": (
        "Hello!",
        "Hi, is this the account holder?",
        "Hello, I'm calling from the customer service centre.",
        "Hi, is now a good time to talk?",
    ),
    "pre_sale": (
        "What would you like to know first?",
        "Let me tell you a little about this product.",
        "This is our best seller this year.",
        "Any other questions?",
    ),
    "objection": (
        "This is already the promotional price.",
        "Let me tell you the price.",
        "What are you not quite happy with?",
        "It's really good value.",
    ),
    "after_sale": (
        "Hello, this is an after-sales follow-up call.",
        "How are you finding the product?",
        "Your order was delivered last week, right?",
    ),
    "closing": ("Shall we go ahead today?", "Anything else you'd like to know?", "Does that all make sense?"),
    "general": (
        "Is now a good time?",
        "Let me explain briefly.",
        "Can you hear me okay?",
        "We have a promotion I'd like to tell you about.",
    ),
}
EN_CUSTOMER_CONTEXT = ("Okay.", "I see.", "Go on.", "Right.", "Mm-hm.")
EN_CATEGORY_CONTEXT = {
    "sofa": ("This fabric sofa seats three.",),
    "bed": ("This storage bed is one and a half metres wide.",),
    "dining-table": ("This extendable table seats six to eight.",),
    "wardrobe": ("Our wardrobes are made to measure.",),
    "lighting": ("This is a smart lighting set for the whole home.",),
    "critical-illness": ("This plan covers over a hundred critical illnesses.",),
    "medical": ("This is a million-yuan medical plan.",),
    "term-life": ("The term life plan covers you to sixty.",),
    "annuity": ("The annuity pays out from age sixty.",),
    "accident": ("Accident cover is about two hundred yuan a year.",),
    "time-deposit": ("Three-year deposit rates are decent right now.",),
    "large-cd": ("Large CDs start at two hundred thousand.",),
    "wealth": ("This is a one-year wealth product.",),
    "fund": ("This is a mixed equity fund.",),
    "loan": ("You can apply for this loan online.",),
    "credit-card": ("This is our youth credit card.",),
}


def _categories(spec: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in spec.split(","):
        part = part.strip()
        out.extend(CATEGORY_GROUPS.get(part, (part,)))
    return tuple(dict.fromkeys(out))


def _parse_lines(key: str) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    scene, emotions, categories, block = SCRIPT_LINES[key]
    rows = []
    for raw in block.strip().splitlines():
        fields = [f.strip() for f in raw.split("|")] + ["", "", ""]
        text, emo, sc, cats = fields[:4]
        rows.append((text, tuple((emo or emotions).split(",")), sc or scene, _categories(cats or categories)))
    return rows


def _is_en(key: str) -> bool:
    return key.endswith("-en")


def _variant(text: str, emotion: str, english: bool, rng: random.Random) -> str:
    """A recogniser-style variant: a spoken filler in front, sometimes with the punctuation dropped."""
    if english:
        filler = rng.choice(EN_ANGRY_FILLERS if emotion == "angry" else EN_FILLERS)
        first = text.split()[0].rstrip(",")
        keep = first in ("I", "I'm", "I'd", "I've", "I'll")
        return filler + (text if keep else text[0].lower() + text[1:])
    filler = rng.choice(ZH_ANGRY_FILLERS if emotion == "angry" else ZH_FILLERS)
    out = filler + text
    if rng.random() < 0.35:
        out = filler + text.replace("，", "").replace("？", "").replace("！", "")
    return out


def _pick_category(categories: tuple[str, ...], rng: random.Random) -> str:
    if "" in categories and len(categories) > 1 and rng.random() < 0.35:
        return ""
    named = [c for c in categories if c] or [""]
    return rng.choice(named)


def _context(scene: str, category: str, english: bool, rng: random.Random) -> list[str]:
    scene_pool = (EN_SCENE_CONTEXT if english else ZH_SCENE_CONTEXT)[scene]
    customer_pool = EN_CUSTOMER_CONTEXT if english else ZH_CUSTOMER_CONTEXT
    category_pool = (EN_CATEGORY_CONTEXT if english else ZH_CATEGORY_CONTEXT).get(category, ())
    n = rng.choice((0, 1, 1) if scene == "opening" else (0, 1, 1, 2, 2))
    if n == 0:
        return []
    if scene == "opening":
        return [rng.choice(scene_pool)]
    first_pool = category_pool + scene_pool if category_pool and scene != "general" else scene_pool
    first = rng.choice(first_pool)
    if n == 1:
        return [first]
    second = rng.choice(customer_pool) if rng.random() < 0.4 else rng.choice([s for s in scene_pool if s != first])
    return [first, second]


def build(rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    text_uses: Counter[str] = Counter()

    def emit(text: str, emotion: str, scene: str, category: str, script: str) -> bool:
        english = _is_en(script)
        limit = EN_MAX_CHARS if english else ZH_MAX_CHARS
        if text_uses[text] >= 2 or not 4 <= len(text) <= limit:
            return False
        text_uses[text] += 1
        rows.append(
            {
                "text": text,
                "context": _context(scene, category, english, rng),
                "emotion": emotion,
                "scene": scene,
                "category": category,
                "script": script,
            }
        )
        return True

    # 1. contrast groups: same words, different emotion -> different script.
    for texts, scene, cats, pairs in CONTRAST:
        categories = _categories(cats)
        for text in texts:
            english = _is_en(pairs[0][1])
            variant = _variant(text, "calm", english, rng)
            for emotion, script in pairs:
                category = _pick_category(categories, rng)
                emit(text, emotion, scene, category, script)
                if not english:  # keeps the English share near 12 %
                    emit(variant, emotion, scene, _pick_category(categories, rng), script)

    # 2. per-script paraphrases, then filler variants up to the target count.
    for key in SCRIPT_LINES:
        lines = _parse_lines(key)
        english = _is_en(key)
        scene0, _, cats0, _ = SCRIPT_LINES[key]
        if english:
            target = EN_TARGET
        elif cats0 in CODES:
            target = CATEGORY_SPECIFIC_TARGET
        else:
            target = TARGETS.get(key, DEFAULT_TARGET)
        have = sum(1 for r in rows if r["script"] == key)
        for text, emotions, scene, categories in lines:
            if emit(text, rng.choice(emotions), scene, _pick_category(categories, rng), key):
                have += 1
        tries = 0
        while have < target and tries < 200:
            text, emotions, scene, categories = lines[tries % len(lines)]
            tries += 1
            emotion = rng.choice(emotions)
            if emit(_variant(text, emotion, english, rng), emotion, scene, _pick_category(categories, rng), key):
                have += 1

    rng.shuffle(rows)
    return rows


def check(rows: list[dict]) -> None:
    scripts = {s["key"]: s for s in json.loads(SCRIPTS_FILE.read_text(encoding="utf-8"))}
    counts = Counter(r["script"] for r in rows)
    problems = []
    for r in rows:
        script = scripts.get(r["script"])
        english = r["script"].endswith("-en")
        if script is None:
            problems.append(f"unknown script {r['script']}")
            continue
        if script["language"] != ("en" if english else "zh-hans"):
            problems.append(f"language mismatch for {r['script']}")
        if script["category"] and script["category"] != r["category"]:
            problems.append(f"category-specific {r['script']} on category {r['category']!r}")
        if r["scene"] not in SCENES or r["emotion"] not in EMOTIONS or r["category"] not in ("",) + CODES:
            problems.append(f"bad vocabulary in {r}")
        if len(r["context"]) > 2:
            problems.append(f"too much context in {r}")
    for key in scripts:
        if counts[key] < MIN_PER_SCRIPT:
            problems.append(f"{key} used {counts[key]} times (< {MIN_PER_SCRIPT})")
    if problems:
        sys.exit("reply_history check failed:\n" + "\n".join(problems))


def main() -> None:
    rows = build(random.Random(SEED))
    check(rows)
    with OUTPUT_FILE.open("w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} lines to {OUTPUT_FILE}")


if __name__ == "__main__":
    main()
