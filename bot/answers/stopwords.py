"""Compact stop-word lists: words that say nothing about what a question is about."""

from __future__ import annotations

from functools import cache

#: Function words per language; question words are listed apart below.
_RAW = {
    "de": """
        aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim
        bin bis bist bitte da dabei dafür dagegen daher damit dann dar darf darfst daran darauf
        darüber darum das dass davon dazu dein deine dem den denn der des dich die dies diese
        diesem diesen dieser dieses dir doch dort du durch eigentlich ein eine einem einen einer
        eines einfach er es etwa etwas euch euer eure für ganz gar gibt gerne gern genau hab
        habe haben hast hat hatte hätte hier ich ihm ihn ihnen ihr ihre ihrem ihren im in ins
        ist ja jemand jetzt kann kannst kein keine keinen können könnte könnten man mal manche
        mein meine meinem meinen meiner mich mir mit muss musst müssen möchte möchten nach nicht
        nichts noch nun nur ob oder ohne schon sehr sein seine sich sie sind so soll sollte
        sollen über um und uns unser unsere viel viele vom von vor war waren weil wenn werde
        werden wie will wir wird würde zu zum zur zwar ok okay hallo danke frage geht gehts
        uberhaupt bzw usw etc finde finden
        """,
    "en": """
        a about after again all also am an and any are as at be because been before being but by
        can cannot could did didn do does doesn doing don for from get got had has have having
        he her here him his how i if in into is isn it its just let me might more most must my
        no not now of on or our out please should so some such than that the their them then
        there these they this those to too under until up us very was we were while will with
        would you your yours ll ve re im ok okay hello hi thanks question find
        """,
    "ar": """
        في من الى إلى على عن مع هذا هذه ذلك تلك هو هي هم هن انا أنا انت أنت انتم نحن كيف هل اي
        أي التي الذي الذين ان أن إن او أو ثم لا لم لن قد كان كانت يكون ايضا أيضا كل بعض عند بين
        حتى اذا إذا لكن يا لو غير اريد أريد يمكن يمكنني ممكن استطيع أستطيع هناك هنا عندي لي لدي
        منذ عليه عليها فيه فيها به بها له لها انه أنه وهل وكيف وما ومن او وانا اجد أجد
        يلي اللي لسا لسه هيك بدي بدك بدو عم رح فيني فيي بقدر بيقدر بتقدر هاد هادا هاي هيدا مش مو
        انو إنو كتير شي عشان علشان لانو ازا معي عندو
        """,
    "fa": """
        از به با در برای که این آن را و یا تا هم من تو او ما شما آنها ایشان است هست هستم هستی
        هستند بود بودم شد شده شود می نمی چطور چگونه آیا اگر یک هر باید میتوانم توانم تونم میشه
        شه میخواهم خواهم میخوام خوام دارم داری دارد داره کنم کنیم کند کنه کرد کردم ها های هایی
        ای رو بر هیچ همه چقدر لطفا ولی اما پس نه بله پیدا میتونم میتونه میتونی
        میکنه میکنم چطوری هنوز الان خیلی یه اینکه اون
        """,
    "uk": """
        і й та але або як чи це цей ця ці той то я ти він вона воно ми ви вони мене мені мій моя
        мої моє мною тебе тобі у в на з зі із до для від по за про при над під не ні так би б
        можу можна може можете треба потрібно є був була було були бути якщо тому також вже ще
        дуже хочу будь ласка знайти знайду таке такий така
        """,
    "ru": """
        и в во не он на я с со как а то все она так его но да ты к у же вы за бы по только ее
        мне было вот от меня еще нет о из ему даже ну ли если уже или ни быть был до вас там
        потом себя ей может они тут есть надо ней для мы тебя их чем была сам чтобы без чего раз
        тоже себе под будет ж тогда этот того потому этого здесь этом мой моя мои сейчас были
        можно при об после над через эти нас про них много хочу пожалуйста найти такое
        """,
    "tr": """
        ve ile bir bu şu o ben sen biz siz onlar nasıl mi mı mu mü miyim mıyım musun misin miyiz
        da de ki için gibi çok daha en ama veya ya var yok olarak olan benim bana beni sana şey
        lütfen acaba
        """,
    "fr": """
        le la les un une des du de et ou mais donc car ni comment est sont suis es être avoir ai
        as avons avez ont je tu il elle nous vous ils elles me te se mon ma mes ton ta tes son
        sa ses notre votre leur leurs ce cet cette ces dans en sur sous avec sans pour par pas
        ne plus au aux peux peut pouvez veux voudrais svp
        """,
}
#: Question words: stop words for content, but they tell "who" from "what" in questions.
_QUESTION = {
    "de": """
        wer was wo wann warum wieso weshalb welche welcher welches welchen welchem woher wohin
        wozu wieviel
        """,
    "en": """
        who whom what where when why which
        """,
    "ar": """
        ما ماذا متى اين أين لماذا لما كم شو ليش وين ايش مين
        """,
    "fa": """
        چه چی کجا کی چرا چند
        """,
    "uk": """
        хто що шо де коли чому скільки який яка яке які
        """,
    "ru": """
        кто что где когда почему зачем куда сколько какой какая какое какие
        """,
    "tr": """
        kim ne nerede neden niçin niye hangi nedir kaç
        """,
    "fr": """
        qui que quoi quand où pourquoi combien quel quelle quels quelles
        """,
}


def _normalised(raw: str) -> frozenset[str]:
    from bot.answers.normalise import normalise

    return frozenset(normalise(raw).split())


@cache
def stop_words(lang: str) -> frozenset[str]:
    """Return the normalised stop words of lang, question words included."""
    return _normalised(_RAW.get(lang, "") + " " + _QUESTION.get(lang, ""))


@cache
def question_words(lang: str) -> frozenset[str]:
    """Return the normalised question words of lang ("wer", "what", ...)."""
    return _normalised(_QUESTION.get(lang, ""))


@cache
def union(langs: tuple[str, ...]) -> frozenset[str]:
    """Return the stop words of several languages at once."""
    return frozenset().union(*(stop_words(lang) for lang in langs))


@cache
def union_questions(langs: tuple[str, ...]) -> frozenset[str]:
    """Return the question words of langs that none of them uses as a plain stop word."""
    plain = frozenset().union(*(_normalised(_RAW.get(lang, "")) for lang in langs))
    return frozenset().union(*(question_words(lang) for lang in langs)) - plain


#: Words that say what kind of help is wanted but not about what ("beantragen", "kurs", "best"):
#: a question whose only matched words are these (or place names) is not answered directly.
_GENERIC = {
    "de": """
        beantragen beantrage antrag anträge kurs kurse beste bester besten gut gute guter
        hilfe helfen kosten kostet bekommen bekomme brauche brauchen suche suchen
        voraussetzungen voraussetzung bedingungen stadt städte
        """,
    "en": """
        apply application applying course courses best good help cost costs get need find
        search requirements conditions city town
        """,
    "ar": """
        شروط طلب مساعده افضل احسن كورس دوره مدينه
        """,
    "fa": """
        شرايط درخواست كمك بهترين دوره كلاس شهر
        """,
    "uk": """
        умови заява допомога найкращий курс курси місто
        """,
    "ru": """
        условия заявление помощь лучший курс курсы город
        """,
    "tr": """
        şartlar başvuru yardım en iyi kurs şehir
        """,
    "fr": """
        conditions demande aide meilleur cours ville
        """,
}


@cache
def generic(langs: tuple[str, ...]) -> frozenset[str]:
    """Return the normalised generic words of langs (see _GENERIC)."""
    return frozenset().union(*(_normalised(_GENERIC.get(lang, "")) for lang in langs))
