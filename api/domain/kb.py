"""The knowledge base: agents write articles, everyone searches them."""

import re
import sys
import types
from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Conflict, NotFound, PreconditionRequired
from core.timefmt import when
from models.base import utcnow
from models.helpdesk import Article
from models.helpdesk_schemas import ArticleIn


def _inflect_engine():
    """inflect's English engine, imported without typeguard's @typechecked: applied at import, it
    parses inflect's whole source again for each of its 23 methods, 2.4 s of the API's 4.9 s
    start-up (jaraco/inflect#212, agronholm/typeguard#468, both open). Its checks only refuse
    arguments of the wrong type, and we pass words. typeguard is put back as it was."""
    if "inflect" not in sys.modules:
        kept = sys.modules.get("typeguard")
        stand_in = types.ModuleType("typeguard")
        stand_in.typechecked = lambda function: function
        sys.modules["typeguard"] = stand_in
        try:  # a later inflect wanting more of typeguard fails here, in every test: look again
            import inflect  # noqa: F401
        finally:
            if kept is None:
                del sys.modules["typeguard"]
            else:
                sys.modules["typeguard"] = kept
    import inflect
    return inflect.engine()


_ENGLISH = _inflect_engine()
STOP_WORDS = {"the", "and", "for", "how", "can", "what", "with", "my", "our", "you", "your",
              "are", "does", "not", "this", "that", "from", "have", "why", "when", "where"}


# Two-letter words that say nothing of what is asked; the others ("QR", "ID", "PA") do, and
# are matched as whole words (`_has`), since inside longer ones they are everywhere.
SHORT_STOP_WORDS = {"am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is",
                    "it", "me", "my", "no", "of", "on", "or", "so", "to", "up", "us", "we"}


def terms(query: str) -> list[str]:
    words = [w for w in re.findall(r"[a-z0-9]+", query.lower())
             if len(w) >= 3 or (len(w) == 2 and w not in SHORT_STOP_WORDS)]
    return [singular(w) if len(w) > 2 else w
            for w in dict.fromkeys(words) if w not in STOP_WORDS][:8]


def _count(text: str, word: str) -> int:
    """How often the article's (lower-cased) text holds the word: inside longer words too
    ('password' in 'passwords'), a two-letter one only as a word of its own."""
    if len(word) > 2:
        return text.count(word)
    return len(re.findall(rf"(?<![a-z0-9]){word}(?![a-z0-9])", text))


def singular(word: str) -> str:
    """A plural as its singular (inflect's English rules and irregulars), which the articles'
    either form contains: 'passwords' finds 'password', 'entries' finds 'entry'; a word that is
    no plural, or whose singular would be under three letters, as typed."""
    found = _ENGLISH.singular_noun(word)
    return found if found and len(found) >= 3 else word


def _score(article: Article, words: list[str]) -> int:
    title, body = article.title.lower(), article.body.lower()
    return sum(3 * _count(title, w) + _count(body, w) for w in words)


async def search(session: AsyncSession, query: str, limit: int = 5,
                 include_drafts: bool = False) -> list[Article]:
    """Published articles matching any word of the query, the best matches first."""
    words = terms(query)
    if not words:
        return []
    statement = select(Article).where(or_(*(
        or_(Article.title.ilike(f"%{w}%"), Article.body.ilike(f"%{w}%")) for w in words)))
    if not include_drafts:
        statement = statement.where(Article.published)
    found = list((await session.exec(statement.limit(200))).all())
    scored = [(score, a) for a in found if (score := _score(a, words))]  # "id" in "provider": no
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [a for _score_, a in scored[:limit]]


async def article(session: AsyncSession, article_id: int, include_drafts: bool) -> Article:
    found = await session.get(Article, article_id)
    if found is None or not (found.published or include_drafts):
        raise NotFound("That article does not exist.")
    return found


def version(found: Article) -> str:
    """Which save of an article a form or a client read (its last change's time, read the same
    way on either database): a form's `edited_from`, the API's `version` and ETag."""
    return found.updated_at.replace(tzinfo=None).isoformat(timespec="microseconds")


def etag(found: Article) -> str:
    return f'"{version(found)}"'


def reads_as(found: Article, data: ArticleIn) -> bool:
    """Whether the saved article already reads as `data` would save it."""
    return all(getattr(found, name) == value for name, value in data.model_dump().items())


def made_from_current(found: Article, data: ArticleIn, if_match: str | None) -> bool:
    """Whether an API change (`data`, made from the version If-Match names) may be saved over
    the article as it is: True to save it; False when it is already saved as sent (the same
    PUT again, its answer lost); refused when it was made from an older version (another
    agent's save since would be lost unseen) or names none."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Send the article's version in the If-Match header (its ETag, or the `version` "
            "of the article as you read it), so that an agent's save since is not overwritten "
            "unseen; If-Match: * saves over whatever is there.", field="If-Match")
    named = {tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")}
    if "*" in named or version(found) in named:
        return True
    if reads_as(found, data):
        return False
    raise Conflict(
        f"This article was changed since the version you sent it from ({', '.join(sorted(named))}"
        f"): it is now version {version(found)}, saved {when(found.updated_at)}. Your changes are "
        "not saved. Read the article again, bring your changes into it and send it with its "
        "current version in If-Match.", field="If-Match")


async def save(session: AsyncSession, data: ArticleIn, author_id: int,
               existing: Article | None = None) -> Article:
    saved = existing or Article(title="", body="", author_id=author_id)
    for field, value in data.model_dump().items():
        setattr(saved, field, value)
    saved.updated_at = utcnow()
    session.add(saved)
    await session.flush()
    return saved


SENT_AGAIN_WITHIN = timedelta(minutes=30)


async def saved_just_now(session: AsyncSession, data: ArticleIn, author_id: int) -> Article | None:
    """The same new article its author saved a moment ago (the form sent again: Back, then
    Save), which is not saved twice; None when there is none."""
    found = await session.exec(select(Article).where(
        Article.author_id == author_id, Article.title == data.title, Article.body == data.body,
        Article.created_at >= utcnow() - SENT_AGAIN_WITHIN).limit(1))
    return found.first()


async def latest(session: AsyncSession, limit: int = 20, include_drafts: bool = False):
    statement = select(Article).order_by(Article.updated_at.desc()).limit(limit)
    if not include_drafts:
        statement = statement.where(Article.published)
    return list((await session.exec(statement)).all())
