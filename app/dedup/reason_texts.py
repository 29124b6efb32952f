"""The reasons of a match in the reader's language.

The engine says its reasons in English (they are also stored with each pair of the review
queue); an answer translates them on the way out, so a pair stored before a wording changed
still reads, in English, rather than failing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from app.core.i18n import Lang

FRENCH = {
    # evidence, companies (engine/phrases.py)
    "same SIREN": "même SIREN",
    "same SIRET": "même SIRET",
    "different SIRET": "SIRET différents",
    "same name after removing the legal form": "même nom, forme juridique mise à part",
    "one name is the acronym of the other": "l'un des noms est le sigle de l'autre",
    "same name apart from a branch or activity word": (
        "même nom, à un mot de filiale ou d'activité près"
    ),
    "same name apart from generic words or word order": (
        "même nom, aux mots génériques ou à l'ordre des mots près"
    ),
    "same name apart from the trade": "même nom, au métier près",
    "similar names, one with a branch or activity word": (
        "noms proches, l'un avec un mot de filiale ou d'activité"
    ),
    "different names": "noms différents",
    "different legal forms": "formes juridiques différentes",
    "same website domain": "même domaine de site web",
    "different website domains": "domaines de site web différents",
    "same phone": "même téléphone",
    "different phones": "téléphones différents",
    "same street and postcode": "même rue et même code postal",
    "same postcode": "même code postal",
    "same postcode, different street": "même code postal, autre rue",
    "same city": "même ville",
    "same city, different street": "même ville, autre rue",
    "same city, different postcode": "même ville, autre code postal",
    "same department": "même département",
    "different places": "lieux différents",
    "different countries": "pays différents",
    # evidence, contacts
    "same first name": "même prénom",
    "first names match as nickname and full name": "prénoms concordants : diminutif et prénom",
    "first-name initials match": "initiales du prénom concordantes",
    "one first name is a short form of the other": (
        "l'un des prénoms est la forme courte de l'autre"
    ),
    "similar first names": "prénoms proches",
    "one first name is part of the other, compound one": (
        "l'un des prénoms fait partie de l'autre, composé"
    ),
    "different first names": "prénoms différents",
    "same last name": "même nom de famille",
    "last names match apart from particles or a second name": (
        "noms de famille concordants, aux particules ou à un second nom près"
    ),
    "similar last names": "noms de famille proches",
    "last names two typos apart": "noms de famille à deux fautes de frappe près",
    "different last names": "noms de famille différents",
    "same personal email": "même e-mail personnel",
    "same email name at another domain": "même identifiant d'e-mail sur un autre domaine",
    "emails differ as the names do": "e-mails différents comme le sont les noms",
    "near-identical email at the same domain": "e-mails presque identiques sur le même domaine",
    "same email name numbered apart: another person?": (
        "même identifiant d'e-mail, numéroté autrement : une autre personne ?"
    ),
    "different personal emails": "e-mails personnels différents",
    "same mobile phone": "même mobile",
    "different mobile phones": "mobiles différents",
    "same company phone line": "même ligne téléphonique d'entreprise",
    "same company": "même société",
    "same email domain": "même domaine d'e-mail",
    "different companies": "sociétés différentes",
    "different civilities": "civilités différentes",
    "same job title": "même fonction",
    "similar job titles": "fonctions proches",
    "different job titles": "fonctions différentes",
    # rules (engine/verdicts.py)
    "same company, different establishment": "même société, autre établissement",
    "same company at another address: another establishment?": (
        "même société à une autre adresse : un autre établissement ?"
    ),
    "same company and phone on another street of the town: moved?": (
        "même société et même téléphone, dans une autre rue de la ville : déménagée ?"
    ),
    "same SIREN under another name: renamed?": "même SIREN sous un autre nom : société renommée ?",
    "different SIREN: different legal entities": "SIREN différents : entités juridiques distinctes",
    "same website domain and a common name: same group?": (
        "même domaine de site web et un nom en commun : même groupe ?"
    ),
    "same name and nothing else to compare: worth a look": (
        "même nom et rien d'autre à comparer : à examiner"
    ),
    "no personal email or mobile agrees: could be namesakes or relatives": (
        "ni e-mail personnel ni mobile en commun : homonymes ou parents possibles"
    ),
    "different first names and civilities: two people sharing a phone or mailbox": (
        "prénoms et civilités différents : deux personnes partageant un téléphone ou une boîte"
    ),
    "two different first names in use: relatives sharing a phone or mailbox?": (
        "deux prénoms usuels différents : des parents partageant un téléphone ou une boîte ?"
    ),
    "different first names: relatives sharing a phone or mailbox?": (
        "prénoms différents : des parents partageant un téléphone ou une boîte ?"
    ),
    "an SCI or a holding beside a trading firm of that name: its owner's?": (
        "une SCI ou une holding à côté d'une société d'exploitation de ce nom : "
        "celle de son propriétaire ?"
    ),
    "first and last names swapped": "prénom et nom inversés",
    "shared mailbox (contact@, info@…) ignored as an identifier": (
        "boîte partagée (contact@, info@…) ignorée comme identifiant"
    ),
}
# Reasons that carry a value: (English pattern, French of its groups)
_FRENCH_PATTERNS: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = (
    (
        re.compile(r"names (\d)\.(\d\d) similar after removing the legal form"),
        "noms semblables à {0},{1}, forme juridique mise à part".format,
    ),
    (re.compile(r"same name, different branch \((.*)\)"), "même nom, autre filiale ({0})".format),
)


def localised(reasons: Iterable[str], lang: Lang | str) -> list[str]:
    """The reasons in `lang`; one with no translation stays as it was said."""
    if lang != "fr":
        return list(reasons)
    return [_french(reason) for reason in reasons]


def _french(reason: str) -> str:
    known = FRENCH.get(reason)
    if known is not None:
        return known
    for pattern, french in _FRENCH_PATTERNS:
        if matched := pattern.fullmatch(reason):
            return french(*matched.groups())
    return reason
