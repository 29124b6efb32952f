"""Person names by frequency, nicknames, job titles and mail providers."""


def _words(text: str) -> list[str]:
    """A word list written as one string, so the tables stay compact."""
    return text.split()


SURNAMES = _words("""Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon
Michel Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine
Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François
Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson
Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly
Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin
Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre
Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger
Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein
Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron
Bertin Bailly Hervé Schneider Fernandez Collet Léger Bouvier Julien Prévost Millet Perrot Daniel
Cousin Germain Breton Besson Langlois Rémy Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal
Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain
Tessier Chevallier Collin Chauvin Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine
Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte
Nguyen Diallo Traoré Haddad Benali""")
# surnames with a particle, at the mid-frequency ranks they hold in France
SURNAMES[150:150] = [
    "Le Gall",
    "Le Roux",
    "Le Goff",
    "Da Silva",
    "Dos Santos",
    "Le Bihan",
    "De Oliveira",
    "Le Floch",
    "Da Costa",
    "Saint-Martin",
]
RARE_PARTICLE = [
    "de La Fontaine",
    "de Villiers",
    "du Pont",
    "de Montalembert",
    "d'Arcy",
    "de Saint-Exupéry",
    "Le Meur",
    "Le Corre",
    "de La Tour",
    "des Rosiers",
    "de Lattre",
    "Le Cam",
    "van der Berg",
    "Ben Youssef",
    "El Amrani",
]
SYL1 = [
    "Ker",
    "Bou",
    "Cha",
    "Mar",
    "Gal",
    "Lar",
    "Ber",
    "Dur",
    "Fau",
    "Gui",
    "Pel",
    "Tes",
    "Vil",
    "Cas",
    "Rou",
    "Sau",
    "Mon",
    "Lab",
    "Bra",
    "Cou",
    "Del",
    "Fer",
    "Gre",
    "Jou",
    "Lau",
    "Mau",
    "Nav",
    "Pey",
    "Que",
    "Rab",
    "Sar",
    "Tou",
    "Vau",
    "Cro",
    "Des",
    "Esc",
]
SYL2 = ["", "an", "ol", "er", "ig", "ab", "ev", "ou", "ar", "im", "el", "on", "ad", "ri"]
SYL3 = [
    "ec",
    "ou",
    "ard",
    "ier",
    "in",
    "aud",
    "et",
    "on",
    "eau",
    "ot",
    "ès",
    "ac",
    "el",
    "y",
    "ier",
    "oux",
    "ens",
    "aille",
    "enne",
    "ais",
    "ié",
    "at",
    "ère",
    "ieu",
]

MALE = _words("""Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Frédéric Laurent
Stéphane Éric David Julien Sébastien Thomas Olivier Pascal François Daniel Thierry Christian Jérôme
Vincent Alexandre Maxime Guillaume Romain Antoine Mathieu Benoît Cédric Fabrice Bruno Hervé Didier
Gilles Yves Arnaud Damien Xavier Ludovic Kevin Hugo Lucas Louis Quentin Mehdi Karim Yann Loïc Gaël
Jean-Pierre Jean-Luc Jean-François Jean-Marc Jean-Claude Jean-Michel Pierre-Yves Marc-Antoine
Jean-Baptiste Jean-Christophe Anthony Florian Adrien Bastien Emmanuel Benjamin Dominique Raphaël
Jérémy Franck Régis Joël Gérard Bernard Marc Serge Denis Rémi Aurélien Grégory Matthieu Yannick
Sylvain Samir Youssef Thibault Baptiste Clément""")
FEMALE = _words("""Marie Nathalie Isabelle Sylvie Catherine Christine Sandrine Valérie Véronique
Céline Stéphanie Sophie Julie Aurélie Émilie Caroline Laurence Anne Virginie Camille Laura Sarah
Pauline Claire Élodie Hélène Mélanie Audrey Delphine Karine Florence Corinne Patricia Brigitte
Chantal Manon Léa Chloé Inès Fatima Marie-Claire Anne-Sophie Marie-Christine Marie-Hélène Anne-Laure
Marie-Laure Marie-Pierre Ève Agnès Béatrice Mathilde Charlotte Margaux Lucie Juliette Gaëlle Solène
Maëlle Noémie Élisabeth Dominique Emmanuelle Alexandra Françoise Martine Monique Nadia Sabrina
Amandine Jessica Marion Justine Océane Coralie Estelle Myriam Anaïs Laetitia Séverine""")
NICK = {
    "Jean-Baptiste": "JB",
    "Christophe": "Chris",
    "Alexandre": "Alex",
    "Nicolas": "Nico",
    "Frédéric": "Fred",
    "Sébastien": "Seb",
    "Jean-François": "JF",
    "Maxime": "Max",
    "Philippe": "Phil",
    "Catherine": "Cathy",
    "Isabelle": "Isa",
    "Véronique": "Véro",
    "Élisabeth": "Babeth",
    "Dominique": "Domi",
    "Anne-Sophie": "Anne-So",
    "Benjamin": "Ben",
    "Alexandra": "Alex",
    "Caroline": "Caro",
    "Thomas": "Tom",
    "Emmanuel": "Manu",
    "Emmanuelle": "Manue",
    "Jean-Christophe": "JC",
    "Stéphanie": "Steph",
    "Mathieu": "Mat",
    "Guillaume": "Guigui",
    "Jérôme": "Jerome",
    "Valérie": "Val",
    "Aurélien": "Aurel",
    "Grégory": "Greg",
    "Jean-Michel": "JM",
    "Marie-Christine": "Marie-Chris",
}
JOBS = [
    "Directeur général",
    "Directrice générale",
    "Gérant",
    "Gérante",
    "PDG",
    "DAF",
    "Directeur administratif et financier",
    "Responsable achats",
    "Acheteur",
    "Acheteuse",
    "Responsable comptable",
    "Comptable",
    "Assistante de direction",
    "DRH",
    "Responsable RH",
    "Chargée de recrutement",
    "Directeur commercial",
    "Commercial",
    "Ingénieur commercial",
    "Responsable logistique",
    "Chef de projet",
    "DSI",
    "Responsable informatique",
    "Office manager",
    "Responsable qualité",
    "Chef d'atelier",
    "Responsable maintenance",
    "Directeur d'usine",
    "Président",
    "Associé",
    "Juriste",
    "Responsable marketing",
    "Chargé de communication",
    "Secrétaire",
    "Technicien",
]
JOB_SHORT = {
    "Directeur général": "DG",
    "Directrice générale": "DG",
    "Responsable achats": "Resp. achats",
    "Directeur commercial": "Dir. commercial",
    "Président": "PDG",
    "Responsable informatique": "Resp. informatique",
    "DAF": "Directeur financier",
}
FREE = [
    "gmail.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "hotmail.fr",
    "yahoo.fr",
    "laposte.net",
    "sfr.fr",
    "outlook.fr",
    "hotmail.com",
    "icloud.com",
    "neuf.fr",
]
ROLES = ["contact", "info", "accueil", "direction", "compta", "commercial", "secretariat"]
