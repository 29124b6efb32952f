"""From evidence to a verdict: probability thresholds, then the rules no weight may overrule.

Companies: a shared SIRET is one establishment; a shared SIREN is one company even renamed,
unless the SIRETs differ (another establishment: related); different SIRENs are different
legal entities (at most related); "IBM" and "IBM France" are related, not duplicates; a
website shared by a group links nobody on its own; two records that hold nothing but a rare
name in common ("IBM" typed alone on a form, "I.B.M" stored with no address) are `possible`,
however low their probability, since nothing else could tell them apart.
An SCI or a holding beside a trading firm of the same name is the owner's other company:
related, not a duplicate.
Contacts: a name, a switchboard and a company in common are what colleagues and relatives
share, so without a personal identifier agreeing (personal email, mobile) a pair is at most
`possible`; so is a pair whose first names differ, whatever agrees, as one may be mistyped
beyond recognition ("Alexx", "Siphiee"). But two first names that are both in use (in the
shipped table, or each carried by a few stored records) are two people: in a family firm the
owner's mobile or mailbox is typed in for his wife and children, so such a pair is related,
not a duplicate; and one whose first names and civilities both differ is two people.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from rapidfuzz.distance import JaroWinkler

from app.dedup.engine import tables
from app.dedup.engine import terms as t
from app.dedup.engine.company_compare import name_similarity
from app.dedup.engine.contact_compare import EMAIL_AGREES
from app.dedup.engine.model import MatchModel
from app.dedup.engine.normalise import CompanyView, ContactView
from app.dedup.engine.result import Evidence, MatchResult, Verdict

_STRONG_NAME = frozenset({"exact", "acronym", "same_base", "same_words"})
_BRANCH_LEVELS = frozenset({"acronym", "same_base", "similar_base"})
# a company's other establishments are at another address, often in the same town
_ELSEWHERE = frozenset({"else", "same_department", "same_city_other_postcode",
                        "same_city_other_street", "same_postcode_other_street"})  # fmt: skip
# another street in the same town, on the same line: the address moved or was retyped (a
# second establishment has a line of its own)
_SAME_TOWN = frozenset({"same_postcode_other_street", "same_city_other_street"})
# A shared name alone makes two records related only if at most this many records carry it.
_RARE_NAME_COUNT = 10
# Fields that could tell two records of one name apart; name, legal form and country cannot.
_TELLING = ("siren", "siret", "domain", "phone", "address")
_ALIKE_OR_UNKNOWN = frozenset({None, "exact"})
# Civil companies hold property or a practice beside the firm that trades under one name
_CIVIL_FORMS = frozenset({"SCI", "SC", "SCM", "SCP", "SCEA"})
# A first name carried by this many stored records is one people have, not a typo: typos
# two keys or more apart (those that reach the "else" level) seldom repeat.
_FIRST_NAME_IN_USE = 3


def threshold_verdict(p: float, model: MatchModel) -> Verdict:
    if p >= model.duplicate_at:
        return Verdict.DUPLICATE
    if p >= model.possible_at:
        return Verdict.POSSIBLE
    return Verdict.DISTINCT


def company_result(
    left: CompanyView,
    right: CompanyView,
    evidence: tuple[Evidence, ...],
    p: float,
    model: MatchModel,
) -> MatchResult:
    level = {e.field: e.level for e in evidence}
    name_level = level["name"]
    verdict = threshold_verdict(p, model)
    rules: list[str] = []
    if level["siret"] == "exact":
        verdict = Verdict.DUPLICATE
    elif level["siren"] == "exact":
        moved = level["address"] in _SAME_TOWN and level["phone"] == "exact"
        if level["siret"] == "else":
            verdict = Verdict.RELATED
            rules.append("same company, different establishment")
        elif level["address"] in _ELSEWHERE and not moved:
            verdict = Verdict.RELATED
            rules.append("same company at another address: another establishment?")
        else:
            verdict = Verdict.DUPLICATE
            if moved:
                rules.append("same company and phone on another street of the town: moved?")
            if name_level not in _STRONG_NAME and name_level is not None:
                rules.append("same SIREN under another name: renamed?")
    elif level["siren"] == "else":
        rules.append("different SIREN: different legal entities")
        related = (
            verdict is not Verdict.DISTINCT
            or level["domain"] == "exact"
            or (name_level in _STRONG_NAME and _name_is_rare(evidence, model))
        )
        verdict = Verdict.RELATED if related else Verdict.DISTINCT
    elif verdict is not Verdict.DISTINCT and _separate_entities(left, right):
        verdict = Verdict.RELATED
        rules.append("an SCI or a holding beside a trading firm of that name: its owner's?")
    elif _branch_differs(left, right, name_level) and (
        verdict is not Verdict.DISTINCT
        or level["domain"] == "exact"
        or level["phone"] == "exact"
        or _name_is_rare(evidence, model)
    ):
        verdict = Verdict.RELATED
        rules.append("same name, different branch (" + _branches(left, right) + ")")
    elif (
        verdict is Verdict.DISTINCT
        and level["domain"] == "exact"
        and left.name
        and right.name
        and (set(left.name.distinctive) & set(right.name.distinctive) or name_level == "acronym")
    ):
        verdict = Verdict.RELATED
        rules.append("same website domain and a common name: same group?")
    elif (
        verdict is Verdict.DISTINCT
        and name_level in _STRONG_NAME
        and all(level[f] is None for f in _TELLING)
        and level["legal_form"] in _ALIKE_OR_UNKNOWN
        and level["country"] in _ALIKE_OR_UNKNOWN
        and _name_is_rare(evidence, model)
    ):
        # The prior keeps a name alone below `possible` in any base of size (it must: most
        # of a name's weight is the chance that another firm carries it), yet with nothing
        # else on one side to compare, only a person can tell: worth a look, not a block.
        verdict = Verdict.POSSIBLE
        rules.append("same name and nothing else to compare: worth a look")
    notes: tuple[str, ...] = ()
    if name_level is not None and name_level.startswith("similar") and left.name and right.name:
        similarity = name_similarity(left.name, right.name)
        notes = (f"names {similarity:.2f} similar after removing the legal form",)
    return MatchResult(p, verdict, evidence, "company", tuple(rules), notes)


def _separate_entities(left: CompanyView, right: CompanyView) -> bool:
    """Whether one record is a civil company or a holding and the other a trading firm."""
    kinds = _kind(left, right), _kind(right, left)
    return None not in kinds and kinds[0] != kinds[1]


def _kind(view: CompanyView, other: CompanyView) -> str | None:
    """ "civil" (SCI…), "holding" or "trading"; None when nothing tells."""
    if view.legal_form in _CIVIL_FORMS:
        return "civil"
    if view.name is not None and "holding" in view.name.full.split():
        return "holding"
    if view.legal_form is not None:
        return "trading"
    # "Boulangerie Martin" beside "SCI Martin" trades; a trade both names carry tells nothing
    if view.name is not None and other.name is not None and view.name.trades - other.name.trades:
        return "trading"
    return None


def _branch_differs(left: CompanyView, right: CompanyView, name_level: str | None) -> bool:
    return (
        name_level in _BRANCH_LEVELS
        and left.name is not None
        and right.name is not None
        and left.name.suffix != right.name.suffix
    )


def _branches(left: CompanyView, right: CompanyView) -> str:
    assert left.name and right.name
    return " / ".join(sorted(n.suffix or "-" for n in (left.name, right.name)))


def _name_is_rare(evidence: tuple[Evidence, ...], model: MatchModel) -> bool:
    """Whether the agreed name is carried by only a handful of records, whatever N."""
    name = next(e for e in evidence if e.field == "name")
    m = next(f.levels[name.level].m for f in model.fields if f.comparison.field == "name")
    log_u = math.log2(m) - name.weight
    return model.prior_weight - log_u >= math.log2(model.match_rate / _RARE_NAME_COUNT)


def contact_result(
    left: ContactView,
    right: ContactView,
    evidence: tuple[Evidence, ...],
    p: float,
    model: MatchModel,
    *,
    swapped: bool = False,
    frequencies: t.TermFrequencies | None = None,
) -> MatchResult:
    level = {e.field: e.level for e in evidence}
    verdict = threshold_verdict(p, model)
    rules: list[str] = []
    personal = level["personal_email"] in EMAIL_AGREES or level["mobile"] == "exact"
    other_first = level["first_name"] == "else"
    if verdict is Verdict.DISTINCT:
        pass
    elif other_first and level["civility"] == "else" and personal:
        verdict = Verdict.DISTINCT
        rules.append("different first names and civilities: two people sharing a phone or mailbox")
    elif other_first and _first_names_in_use(left, right, frequencies):
        verdict = Verdict.RELATED
        rules.append("two different first names in use: relatives sharing a phone or mailbox?")
    elif not personal:
        verdict = Verdict.POSSIBLE
        rules.append("no personal email or mobile agrees: could be namesakes or relatives")
    elif verdict is Verdict.DUPLICATE and other_first:
        # a civility alone is often wrong (forms default to "M."), so it caps nothing alone
        verdict = Verdict.POSSIBLE
        rules.append("different first names: relatives sharing a phone or mailbox?")
    if swapped:
        rules.append("first and last names swapped")
    if (left.email and left.email.is_role) or (right.email and right.email.is_role):
        rules.append("shared mailbox (contact@, info@…) ignored as an identifier")
    return MatchResult(p, verdict, evidence, "contact", tuple(rules))


def _first_names_in_use(
    left: ContactView, right: ContactView, frequencies: t.TermFrequencies | None
) -> bool:
    """Whether both first names are ones people have, not one mistyped out of recognition."""
    known = tables.nicknames()

    def in_use(view: ContactView) -> bool:
        name = view.first_name
        if name is None or name.is_initials:
            return False
        if name.compact in known:
            return True
        return frequencies is not None and (
            frequencies.count(t.FIRST_NAME + name.compact) >= _FIRST_NAME_IN_USE
        )

    return in_use(left) and in_use(right)


def orient(
    left: ContactView,
    right: ContactView,
    frequency: Callable[[str], float] | None = None,
) -> tuple[ContactView, ContactView, bool]:
    """Line up first and last names when one record has them swapped.

    Which record is flipped never depends on argument order (so scoring stays symmetric):
    the one whose names read more likely the other way round (see `_swap_odds`), else the
    greater in sort order. Flipping the right one matters: the agreed names are then weighed
    as what they are, "Christian" as a common first name, not as a surname nobody has.
    """
    lf, ll, rf, rl = left.first_name, left.last_name, right.first_name, right.last_name
    if not (lf and ll and rf and rl):
        return left, right, False
    sim = JaroWinkler.normalized_similarity
    straight = sim(lf.compact, rf.compact) + sim(ll.compact, rl.compact)
    crossed = sim(lf.compact, rl.compact) + sim(ll.compact, rf.compact)
    if crossed <= straight + 0.2:
        return left, right, False
    left_odds, right_odds = _swap_odds(left, frequency), _swap_odds(right, frequency)
    if left_odds != right_odds:
        flip_left = left_odds > right_odds
    else:
        flip_left = (lf.compact, ll.compact) > (rf.compact, rl.compact)
    if flip_left:
        return replace(left, first_name=ll, last_name=lf), right, True
    return left, replace(right, first_name=rl, last_name=rf), True


def _swap_odds(
    view: ContactView, frequency: Callable[[str], float] | None
) -> tuple[int, float, int]:
    """How much a record looks like the one typed with its names swapped, compared in order.

    Initials stand for a first name ("M. Belpiilven" next to "Belpiilven Marie": the second
    is swapped); then how much more often the names are seen the other way round in the
    base (log2 odds: "Bernard Christian" reads better as Christian Bernard); then a known
    first name in the last-name field.
    """
    first, last = view.first_name, view.last_name
    assert first and last
    initials = 0 if first.is_initials == last.is_initials else (1 if last.is_initials else -1)
    log_odds = 0.0
    if frequency is not None:
        log_odds = math.log2(
            frequency(t.FIRST_NAME + last.compact)
            * frequency(t.LAST_NAME + first.compact)
            / (frequency(t.FIRST_NAME + first.compact) * frequency(t.LAST_NAME + last.compact))
        )
    known = tables.nicknames()
    return initials, log_odds, int(last.compact in known and first.compact not in known)
