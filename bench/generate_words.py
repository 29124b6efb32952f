"""Word lists and small helpers of the data generator (bench/generate.py)."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable


def _items(text: str, sep: str = " ") -> tuple[str, ...]:
    """A word list written as one string, so the tables stay compact."""
    return tuple(item.strip() for item in text.split(sep) if item.strip())


# one surname per word, "_" for the spaces inside a name
SURNAMES = tuple(
    w.replace("_", " ")
    for w in _items(
        "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
        "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
        "Rousseau Vincent Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier "
        "Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry "
        "Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer "
        "Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud "
        "Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
        "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey "
        "Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger "
        "Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury "
        "Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault "
        "Charpentier Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Le_Gall "
        "Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le_Roux Cousin Germain Breton "
        "Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal "
        "Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne "
        "Grondin Poulain Tessier Chevallier Collin Chauvin Da_Silva Bouchet Gay Lemaître Bénard "
        "Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune "
        "Gilbert Lamy Delaunay Pasquier Carlier Laporte De_La_Fontaine Saint-Martin"
    )
)
MALE = _items(
    "Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Stéphane Laurent Frédéric "
    "Éric Sébastien Thomas Julien David Olivier Pascal Daniel Bernard Thierry Christian "
    "Jean-Pierre François Guillaume Antoine Alexandre Maxime Romain Vincent Jérôme Mathieu "
    "Emmanuel Dominique Bruno Didier Franck Gilles Jacques Yves Hervé Benoît Arnaud Cédric "
    "Jean-Luc Jean-Marc Jean-François Pierre-Yves Jean-Claude Loïc Raphaël Hugo Lucas Théo "
    "Louis Gabriel Yannick Gaël Robert William Kevin Anthony Fabrice Ludovic Xavier Rémi Gérard "
    "Adrien Benjamin Clément Damien Florian Grégory Jonathan Marc Mickaël Paul Quentin Simon "
    "Sylvain Tristan Victor Yann Joël Serge Roland Marcel René Claude Henri Jacky Lionel Régis "
    "Erwan Ronan Tanguy Killian Mathis Nathan Enzo Baptiste Matthieu Aurélien Jérémy Bastien"
)
FEMALE = _items(
    "Marie Nathalie Isabelle Sylvie Catherine Sandrine Valérie Christine Véronique Céline "
    "Stéphanie Sophie Julie Aurélie Émilie Caroline Laurence Anne Martine Nicole Françoise "
    "Hélène Sarah Camille Laura Léa Manon Chloé Emma Pauline Mélanie Virginie Cécile Claire "
    "Marie-Christine Anne-Sophie Marie-Laure Marie-Hélène Delphine Karine Patricia Florence "
    "Agnès Brigitte Monique Dominique Élodie Audrey Alexandra Charlotte Lucie Anaïs Zoé Noémie "
    "Maëlle Gwenaëlle Corinne Danielle Frédérique Emmanuelle Joséphine Elisabeth Jacqueline "
    "Amandine Béatrice Carole Chantal Christelle Estelle Fabienne Géraldine Ingrid Juliette "
    "Laetitia Magali Muriel Nadine Océane Pascale Sabrine Solène Sonia Sylviane Vanessa Yvonne "
    "Gaëlle Nolwenn Maïwenn Bérénice Margaux Inès Jade Clémence Morgane Adeline Annick Odile"
)
_RARE_START = _items(
    "Ker Le Lan Pen Tré Bou Mar Char Ver Mont Bel Ro Ga Fa Va Du La Ri Sa Tho Be Cha "
    "Mi Etche Gou Qué Bour Cas Lom Pla Vau Es Hen Ar Bro Cor Da Fer Gri Jou"
)
_RARE_MID = _items(
    "ba bra lo ne ri ga de mo ni ve rou lan gue zou ma ta pi do ru che gal ber ven cla "
    "tri mé li so ar el il ou"
)
_RARE_END = _items(
    "t c ac ec y ier ard aud on ois in el eau ou ez mann ger lin et ot and ic oux "
    "at illon ière ès han ven"
)
CITIES = [
    tuple(item.split(":"))
    for item in _items(
        "Paris:7500*,Lyon:6900*,Marseille:1300*,Toulouse:31000,Nice:06000,Nantes:44000,"
        "Strasbourg:67000,Montpellier:34000,Bordeaux:33000,Lille:59000,Rennes:35000,Reims:51100,"
        "Le Havre:76600,Saint-Étienne:42000,Toulon:83000,Grenoble:38000,Dijon:21000,Angers:49000,"
        "Nîmes:30000,Villeurbanne:69100,Clermont-Ferrand:63000,Le Mans:72000,"
        "Aix-en-Provence:13090,Brest:29200,Tours:37000,Amiens:80000,Limoges:87000,Annecy:74000,"
        "Perpignan:66000,Boulogne-Billancourt:92100,Metz:57000,Besançon:25000,Orléans:45000,"
        "Saint-Denis:93200,Rouen:76000,Argenteuil:95100,Montreuil:93100,Mulhouse:68100,Caen:14000,"
        "Nancy:54000,Quimper:29000,Vannes:56000,Lorient:56100,Saint-Malo:35400,Bayonne:64100,"
        "Pau:64000,La Rochelle:17000,Poitiers:86000,Colmar:68000,Chambéry:73000,Valence:26000,"
        "Cholet:49300,Niort:79000,Laval:53000,Troyes:10000,Chartres:28000,Évreux:27000,"
        "Saint-Brieuc:22000,Morlaix:29600,Landerneau:29800,Concarneau:29900,Dinan:22100,"
        "Saint-Nazaire:44600,Vitré:35500,Fougères:35300,Lannion:22300,Pontivy:56300,Auray:56400,"
        "Bourg-en-Bresse:01000,Mâcon:71000,Roanne:42300,Vienne:38200,Voiron:38500,Albi:81000,"
        "Rodez:12000,Cahors:46000,Agen:47000,Mont-de-Marsan:40000,Dax:40100,Tarbes:65000,"
        "Auch:32000,Montauban:82000,Carcassonne:11000,Narbonne:11100,Béziers:34500,Sète:34200,"
        "Alès:30100,Arles:13200,Avignon:84000,Gap:05000,Digne-les-Bains:04000,Cannes:06400,"
        "Antibes:06600,Fréjus:83600,Hyères:83400,Bastia:20200,Ajaccio:20000,Épinal:88000,"
        "Verdun:55100,Thionville:57100,Haguenau:67500,Sélestat:67600,Belfort:90000,Vesoul:70000",
        ",",
    )
]
CITY_SLUGS = ("paris", "lyon", "ouest", "sud", "est", "nord", "idf", "pro", "groupe", "online")
_AREAS = {
    "01": "75 77 78 91 92 93 94 95",
    "02": "14 22 27 28 29 35 37 44 49 53 56 72 76 79 85 86",
    "03": "10 21 25 51 54 55 57 59 62 67 68 70 80 88 90",
    "04": "01 04 05 06 11 13 20 26 30 34 38 42 63 69 71 73 74 83 84",
    "05": "12 17 31 32 33 40 46 47 64 65 81 82 87",
}
AREA_BY_DEPARTMENT = {dep: area for area, deps in _AREAS.items() for dep in deps.split()}
STREET_TYPES = _items(
    "rue|rue|rue|avenue|boulevard|place|chemin|allée|impasse|route|quai",
    "|",
)
STREET_NAMES = _items(
    "de la République|Victor Hugo|Jean Jaurès|du Général de Gaulle|de la Gare|Pasteur|"
    "des Lilas|du Moulin|de Paris|Gambetta|Jules Ferry|Nationale|de l'Église|du Stade|"
    "des Écoles|Carnot|Foch|Voltaire|Émile Zola|de la Liberté|des Tilleuls|du Château|"
    "de Verdun|Saint-Michel|des Acacias|du 8 Mai 1945|Anatole France|de Bretagne|"
    "Marcel Pagnol|des Artisans|de l'Industrie|du Commerce|Lamartine|Paul Bert|"
    "Albert Camus|des Vignes",
    "|",
)
LEGAL_FORMS = ("", "SAS", "SARL", "SA", "EURL", "SASU", "SCI", "SNC", "S.A.S.", "S.A.R.L.")
LEGAL_FORM_WEIGHTS = (30, 25, 20, 6, 6, 6, 3, 1, 2, 1)
BRANCHES = _items(
    "France|Services|Ouest|Sud|Holding|Logistique|Immobilier|Est|International|"
    "Distribution|Solutions|Participations",
    "|",
)
TRADES = _items(
    "Boulangerie|Menuiserie|Garage|Transports|Cabinet|Pharmacie|Plomberie|Électricité|"
    "Maçonnerie|Boucherie|Charcuterie|Pâtisserie|Carrosserie|Imprimerie|Taxi|Ambulances|"
    "Coiffure|Restaurant|Hôtel|Agence Immobilière|Optique|Librairie|Fleurs|Traiteur|"
    "Couverture|Peinture|Serrurerie|Nettoyage|Auto-École|Cave|Épicerie|Café|Pressing|"
    "Tabac Presse",
    "|",
)
NOISE = _items(
    "Établissements|Ets|Maison|Groupe|Société|Entreprise|Atelier",
    "|",
)
SECTORS = _items(
    "Logistique|Conseil|Immobilier|Informatique|Distribution|Industrie|Bâtiment|Ingénierie|"
    "Énergie|Finance|Médical|Agencement|Emballages|Location|Négoce|Environnement|"
    "Automobiles|Travaux Publics",
    "|",
)
PLACES = _items(
    "du Centre|de la Gare|du Marché|de la Place|des Sports|du Port|de la Mairie|"
    "de l'Église|du Château|des Halles|du Parc|de la Poste|du Lac|des Alpes|de l'Ouest|"
    "du Midi|Saint-Michel|Saint-Pierre|du Moulin|de la Fontaine|des Arts|du Pont|"
    "de la Plage|de l'Avenir|du Rond-Point|des Vignes|de la Mer|Central|Moderne|de France",
    "|",
)
ORGS = _items(
    "Société|Compagnie|Union|Centre|Caisse|Fédération|Office|Institut|Groupement|Banque|"
    "Agence|Comptoir|Syndicat|Laboratoire",
    "|",
)
ADJECTIVES = _items(
    "Nationale|Régionale|Générale|Technique|Française|Européenne|Industrielle|Commerciale|"
    "Mutuelle|Centrale|Départementale|Interprofessionnelle|Atlantique|Méditerranéenne",
    "|",
)
DOMAINS = _items(
    "des Transports|de Travaux Publics|des Matériaux|des Eaux|des Énergies|"
    "des Chemins de fer|de Crédit|d'Assurances|des Industries Textiles|"
    "des Produits Laitiers|des Métiers d'Art|de Télécommunications|"
    "d'Équipements Électriques|du Logement|de Recherche|des Céréales|"
    "de Distribution Alimentaire|d'Études Techniques",
    "|",
)
REGIONS = _items(
    "||de Bretagne|d'Aquitaine|de l'Ouest|du Nord|Rhône-Alpes|de Normandie|d'Alsace|"
    "du Sud-Ouest|de Provence|Parisienne",
    "|",
)
_BRAND = _items(
    "ax no va tec lis ora ker lann syn er dis vi ta lo gi ca mé ria zen ix o ne ka ly so "
    "fi sto pro gen cor al tri na dia mo ré lu xa bel eo vel"
)
JOB_TITLES = _items(
    "Directeur général|Gérant|Responsable achats|Comptable|Assistante|"
    "Directrice commerciale|Chef de projet|Responsable RH|DAF|Technicien|Commercial|"
    "Responsable logistique|Président|Office manager",
    "|",
)
ROLE_MAILBOXES = _items(
    "contact|info|accueil|commercial|compta|direction|secretariat",
    "|",
)
FREE_MAIL = _items(
    "gmail.com|gmail.com|orange.fr|wanadoo.fr|free.fr|hotmail.fr|yahoo.fr|laposte.net|"
    "sfr.fr|outlook.fr|icloud.com",
    "|",
)
STOP = frozenset(_items("de des du la le les l d et"))


def rare_surname(rng: random.Random) -> str:
    mids = rng.choice((1, 1, 2))
    word = rng.choice(_RARE_START) + "".join(rng.choice(_RARE_MID) for _ in range(mids))
    return (word + rng.choice(_RARE_END)).capitalize()


def company_name(rng: random.Random, surname: Callable[[], str]) -> tuple[str, str | None]:
    """A company name and, for family businesses, the family's surname."""
    roll = rng.random()
    if roll < 0.25:
        name = surname()
        return f"{rng.choice(TRADES)} {name}", name
    if roll < 0.33:
        name = surname()
        return f"{rng.choice(NOISE)} {name}", name
    if roll < 0.43:
        name = surname()
        return f"{name} {rng.choice(SECTORS)}", name
    if roll < 0.48:
        name = surname()
        tail = rng.choice(("et Fils", "Frères", "& Associés", f"& {surname()}"))
        return f"{name} {tail}", name
    if roll < 0.65:
        brand = "".join(rng.choice(_BRAND) for _ in range(rng.choice((2, 3, 3)))).capitalize()
        return (f"{brand} {rng.choice(SECTORS)}" if rng.random() < 0.4 else brand), None
    if roll < 0.8:
        return f"{rng.choice(TRADES)} {rng.choice(PLACES)}", None
    if roll < 0.94:
        parts = (rng.choice(ORGS), rng.choice(ADJECTIVES), rng.choice(DOMAINS), rng.choice(REGIONS))
        return " ".join(p for p in parts if p), None
    letters = "".join(rng.choice("ABCDEFGHIJLMNOPRSTV") for _ in range(rng.choice((3, 4, 4, 5))))
    return letters, None


def acronym(name: str) -> str:
    words = re.findall(r"[\w]+", strip_accents(strip_legal_form(name)))
    return "".join(w[0].upper() for w in words if w.lower() not in STOP and len(w) > 1)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def strip_legal_form(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def slug(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", strip_accents(strip_legal_form(name)).lower())
    return "-".join(w for w in words if w not in STOP)


def vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def format_phone(rng: random.Random, digits: str) -> str:
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    national = digits[1:]
    return rng.choice(
        (
            " ".join(pairs),
            digits,
            ".".join(pairs),
            "+33 " + national[0] + " " + " ".join(pairs[1:]),
            "+33" + national,
            "+33 (0)" + national[0] + " " + " ".join(pairs[1:]),
        )
    )


COMPANY_EMAIL_STYLES = 5  # first.last, flast, first-last, f.last, first: one per company


def local_part(rng: random.Random, first: str, last: str, *, style: int | None = None) -> str:
    """An email local part; `style` is the company's pattern, None for a personal address."""
    f = re.sub(r"[^a-z]", "", strip_accents(first).lower()) or "x"
    last_clean = re.sub(r"[^a-z-]", "", strip_accents(last).lower().replace(" ", "-")) or "x"
    company = [f"{f}.{last_clean}", f"{f[0]}{last_clean}", f"{f}-{last_clean}",
               f"{f[0]}.{last_clean}", f]  # fmt: skip
    if style is not None:
        return company[style]
    personal = [*company[:4], f"{f}{last_clean}", f"{f}.{last_clean}{rng.randint(1, 99)}"]
    return rng.choice(personal)
