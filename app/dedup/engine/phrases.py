"""How each level of evidence is said to a data steward, by entity, field and level."""

from __future__ import annotations

from collections.abc import Iterable

COMPANY = {
    ("siren", "exact"): "same SIREN",
    ("siret", "exact"): "same SIRET",
    ("siret", "else"): "different SIRET",
    ("name", "exact"): "same name after removing the legal form",
    ("name", "acronym"): "one name is the acronym of the other",
    ("name", "same_base"): "same name apart from a branch or activity word",
    ("name", "same_words"): "same name apart from generic words or word order",
    ("name", "same_core"): "same name apart from the trade",
    ("name", "similar_base"): "similar names, one with a branch or activity word",
    ("name", "else"): "different names",
    ("legal_form", "else"): "different legal forms",
    ("domain", "exact"): "same website domain",
    ("domain", "else"): "different website domains",
    ("phone", "exact"): "same phone",
    ("phone", "else"): "different phones",
    ("address", "same_street"): "same street and postcode",
    ("address", "same_postcode"): "same postcode",
    ("address", "same_postcode_other_street"): "same postcode, different street",
    ("address", "same_city"): "same city",
    ("address", "same_city_other_street"): "same city, different street",
    ("address", "same_city_other_postcode"): "same city, different postcode",
    ("address", "same_department"): "same department",
    ("address", "else"): "different places",
    ("country", "else"): "different countries",
}
CONTACT = {
    ("first_name", "exact"): "same first name",
    ("first_name", "nickname"): "first names match as nickname and full name",
    ("first_name", "initials"): "first-name initials match",
    ("first_name", "shortened"): "one first name is a short form of the other",
    ("first_name", "similar"): "similar first names",
    ("first_name", "part"): "one first name is part of the other, compound one",
    ("first_name", "else"): "different first names",
    ("last_name", "exact"): "same last name",
    ("last_name", "same_core"): "last names match apart from particles or a second name",
    ("last_name", "similar"): "similar last names",
    ("last_name", "two_typos"): "last names two typos apart",
    ("last_name", "else"): "different last names",
    ("personal_email", "exact"): "same personal email",
    ("personal_email", "same_local"): "same email name at another domain",
    ("personal_email", "follows_names"): "emails differ as the names do",
    ("personal_email", "similar_local"): "near-identical email at the same domain",
    ("personal_email", "numbered_apart"): "same email name numbered apart: another person?",
    ("personal_email", "else"): "different personal emails",
    ("mobile", "exact"): "same mobile phone",
    ("mobile", "else"): "different mobile phones",
    ("workplace", "same_line"): "same company phone line",
    ("workplace", "same_company"): "same company",
    ("workplace", "same_domain"): "same email domain",
    ("workplace", "else"): "different companies",
    ("civility", "else"): "different civilities",
    ("job_title", "exact"): "same job title",
    ("job_title", "similar"): "similar job titles",
    ("job_title", "else"): "different job titles",
}

_BY_ENTITY = {"company": COMPANY, "contact": CONTACT}


def said(entity: str, evidence: Iterable[tuple[str, str | None, float]]) -> tuple[str, ...]:
    """The phrases of the levels that have one (evidence as field, level, weight), the
    heaviest evidence first."""
    table = _BY_ENTITY[entity]
    ranked = sorted((e for e in evidence if e[1]), key=lambda e: -abs(e[2]))
    return tuple(table[field, level] for field, level, _ in ranked if (field, level) in table)
