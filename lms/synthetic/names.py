"""Plausible Chinese names and place names for synthetic data: common surnames × given-name characters."""

from __future__ import annotations

import random
from itertools import accumulate

# The most common surnames, roughly in order of frequency (rank decides the weight).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_CUM_WEIGHTS = list(accumulate(1.0 / (rank + 8) for rank in range(len(SURNAMES))))

MALE_CHARACTERS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁峰建国志文俊浩宇轩博诚凯健翔毅林东海亮德庆荣昊"
FEMALE_CHARACTERS = "芳娜敏静丽艳娟霞秀玲燕婷雪慧颖琳倩晶欣悦梅红兰萍洁佳怡雯莉琴蕾璐婧薇露岚丹瑶"
NEUTRAL_CHARACTERS = "晓小春海玉金云子思雨嘉立新安心一晨阳宏永建英秋清月家乐世"

CITY_STEMS = (
    "东川", "西岭", "南湖", "北原", "青峰", "临江", "安宁", "永丰", "云台", "明溪", "长乐", "平阳",
    "金沙", "白石", "清河", "凤城", "龙泉", "桃源", "松岗", "柳州湾", "石门", "宝山", "兴安", "鹤鸣",
)
COUNTY_STEMS = (
    "城关", "新华", "河西", "东湖", "青山", "双桥", "石桥", "清水", "白马", "梅林", "柳河", "兴隆",
    "太平", "长宁", "福田", "黄土", "红星", "平安", "大河", "小溪", "高坪", "花园", "金城", "玉泉",
)
CHINESE_NUMERALS = "一二三四五六七八九十"


def _given_pool(gender: str) -> str:
    return (MALE_CHARACTERS if gender == "M" else FEMALE_CHARACTERS) + NEUTRAL_CHARACTERS


def person_name(rng: random.Random, gender: str) -> str:
    """A surname (weighted by frequency) and one or two given-name characters that suit the gender."""
    surname = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]
    pool = _given_pool(gender)
    given = rng.choice(pool)
    if rng.random() < 0.6:
        given += rng.choice(pool)
    return surname + given


def ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (enough for school names)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[units - 1] if units else "")


def city_name(index: int) -> str:
    stem = CITY_STEMS[index % len(CITY_STEMS)]
    return f"{stem}市" if index < len(CITY_STEMS) else f"{stem}{index // len(CITY_STEMS) + 1}市"


def county_name(index: int) -> str:
    stem = COUNTY_STEMS[index % len(COUNTY_STEMS)]
    suffix = "区" if index % 3 == 0 else "县"
    if index < len(COUNTY_STEMS):
        return f"{stem}{suffix}"
    return f"{stem}{ordinal(index // len(COUNTY_STEMS) + 1)}{suffix}"
