//! Small closed word lists (French and English) used by the entity rules.
//!
//! All entries are folded (lowercase, no accents, `'` apostrophes) so they compare
//! directly with [`super::fold::fold_word`] output; multi-word entries are also
//! compiled into the automaton through [`super::fold::fold_str`]. They describe
//! language in general, never particular companies.

/// Words that are company context: a nearby occurrence is evidence that an ambiguous
/// name ("Orange", "Apple") is used as a company.
#[rustfmt::skip]
pub const EVIDENCE: &[&str] = &[
    // French
    "groupe", "societe", "entreprise", "firme", "operateur", "constructeur", "pdg",
    "patron", "patronne", "directeur general", "directrice generale", "action", "actions",
    "actionnaire", "actionnaires", "titre", "chiffre d'affaires", "benefice", "benefices",
    "resultats", "bourse", "cac 40", "sbf 120", "filiale", "filiales", "salaries", "rachat",
    "racheter", "fusion", "dividende", "dividendes", "capitalisation", "cotee", "cote",
    "marque", "enseigne", "magasins", "abonnes", "start-up", "startup", "fabricant",
    "usine", "usines", "conseil d'administration", "licenciements", "plan social",
    "concurrent", "concurrents", "rival", "rivaux", "analystes", "maison", "smartphones",
    "forfaits", "distributeur", "assureur", "banque", "constructeurs", "entreprises",
    "societes", "groupes", "geant", "trimestre", "trimestriel", "trimestriels", "semestre",
    "semestriels", "wall street", "investisseurs",
    // English
    "company", "companies", "firm", "shares", "share price", "stock", "stocks", "ceo",
    "chief executive", "inc", "inc.", "corp", "corp.", "revenue", "revenues", "earnings",
    "profit", "profits", "quarterly", "investors", "shareholders", "nasdaq", "nyse",
    "analysts", "acquisition", "acquire", "acquires", "acquired", "merger", "rivals",
    "subsidiary", "brand", "stores", "customers", "subscribers", "market value",
    "market cap", "valuation", "dividend", "ipo", "layoffs", "employees", "chairman",
    "board", "lawsuit", "antitrust", "regulators", "carmaker", "automaker", "retailer",
    "giant", "operator", "manufacturer", "chipmaker", "insurer", "lender", "conglomerate",
    "outlook", "guidance", "quarter", "sales", "business", "stake", "store", "deal",
    "contract", "takeover", "ventes", "contrat", "offre publique", "factory", "factories",
    "warehouse", "entrepot", "entrepots", "workers", "jobs", "emplois", "postes",
    // English headline words about a firm's people, deals and results (`RBS bosses`,
    // `Drugmaker X`, `X readies £6bn float`)
    "boss", "bosses", "executives", "cfo", "coo", "broker", "brokers", "bid", "buyout",
    "privatisation", "privatization", "float", "flotation", "payout", "buyback",
    "writedown", "profit warning", "drugmaker", "miner", "brewer", "airline", "grocer",
    "supermarket", "supermarkets", "bank's", "utility", "telecoms", "oil major",
];

/// Verbs of corporate action: right after a capitalised ambiguous name (`Amazon va
/// construire`, `Visa processed`) they show the name is an agent.
#[rustfmt::skip]
pub const AGENT_VERBS: &[&str] = &[
    // French (present, past participle after `a`, infinitive after `va`)
    "annonce", "annoncer", "prevoit", "prevoir", "vend", "vendu", "vendre", "rachete",
    "racheter", "investit", "investi", "investir", "lance", "lancer", "recrute", "recruter",
    "supprime", "supprimer", "ferme", "fermer", "ouvre", "ouvrir", "construit",
    "construire", "baisse", "baisser", "augmente", "augmenter", "publie", "publier",
    "signe", "signer", "cede", "ceder", "acquiert", "acquerir", "embauche", "embaucher",
    "rappelle", "rappeler", "licencie", "licencier", "livre", "livrer", "devoile",
    "devoiler", "confirme", "confirmer", "enregistre", "enregistrer", "releve", "relever",
    "abaisse", "abaisser", "retire", "retirer", "commercialise", "commercialiser",
    "produit", "produire", "exploite", "exploiter", "facture", "facturer", "presente",
    "presenter",
    // English
    "announced", "announces", "reported", "reports", "posted", "posts", "said", "says",
    "plans", "planned", "agreed", "agrees", "raised", "raises", "cut", "cuts", "sold",
    "sells", "sell", "bought", "buys", "buy", "acquired", "acquires", "acquire", "launched",
    "launches", "launch", "hired", "hires", "hire", "invested", "invests", "invest",
    "recalled", "recalls", "recall", "unveiled", "unveils", "unveil", "processed",
    "processes", "shipped", "ships", "sued", "sues", "expects", "expected", "beat", "beats",
    "missed", "misses", "delivered", "delivers", "deliver", "signed", "signs", "laid",
    "lays", "lay", "fired", "fires", "build", "builds", "built", "close", "closes",
    "closed", "open", "opens", "opened", "forecast", "forecasts", "presented", "presents",
    // English headline verbs of companies and their shares (`BP wins`, `RBS warns`)
    "wins", "won", "warns", "warned", "rises", "rose", "falls", "fell", "jumps", "jumped",
    "slumps", "slumped", "surges", "surged", "drops", "dropped", "climbs", "climbed",
    "slides", "slid", "tumbles", "tumbled", "soars", "soared", "plunges", "plunged",
    "gains", "gained", "loses", "lost", "names", "named", "appoints", "appointed",
    "seeks", "sought", "takes", "took", "offers", "offered", "bids", "rejects", "rejected",
    "confirms", "confirmed", "reports", "freezes", "froze", "axes", "axed", "shuts",
    "settles", "settled", "pays", "paid", "merge", "merges", "merged",
    "outperforms", "underperforms", "trims", "boosts", "lifts", "sinks", "sank",
    "invites", "returns", "slips", "leads", "joins", "readies", "considers", "mulls",
    "eyes", "weighs", "explores", "approaches", "backs", "scraps", "delays", "sheds",
    "targets", "hikes", "shares", "steps", "impresses", "faces",
    // French headline verbs (`Carrefour mise sur`, `Renault renonce à`)
    "mise", "misent", "renonce", "recule", "chute", "grimpe", "bondit", "plonge",
    "accelere", "rachete", "supprimera", "investira", "quitte", "cede", "vise", "double",
    "triple", "depasse", "perd", "gagne", "rebondit",
];

/// Auxiliaries that may sit between a name and its verb (`Amazon va construire`,
/// `Apple has sold`).
#[rustfmt::skip]
pub const AUXILIARIES: &[&str] = &[
    "a", "va", "vont", "doit", "devrait", "veut", "compte", "has", "have", "had", "will",
    "would", "is", "was", "also", "could", "may", "pourrait", "peut", "to", "set",
];

/// Common nouns for a company: `la société X` / `the company X` introduce an unknown
/// company, `le groupe` alone refers back to the last company (coreference).
#[rustfmt::skip]
pub const COMPANY_NOUNS: &[&str] = &[
    "groupe", "societe", "entreprise", "firme", "constructeur", "operateur", "start-up",
    "startup", "jeune pousse", "fabricant", "editeur", "assureur", "banque", "distributeur",
    "equipementier", "laboratoire", "compagnie", "enseigne", "geant", "conglomerat",
    "holding", "filiale", "company", "firm", "group", "maker", "carmaker", "automaker",
    "bank", "insurer", "retailer", "giant", "conglomerate", "manufacturer", "operator",
    "lender", "subsidiary", "chipmaker", "airline",
    // Media businesses (`la chaîne russe RT`, `le quotidien X`, `les médias X et Y`)
    "chaine", "radio", "quotidien", "hebdomadaire", "mensuel", "magazine", "medias",
    "broadcaster", "newspaper", "tabloid",
];

/// The subset of [`COMPANY_NOUNS`] that, after a definite article and without a name,
/// refers back to the last company mentioned.
#[rustfmt::skip]
pub const COREF_NOUNS: &[&str] = &[
    "groupe", "firme", "entreprise", "societe", "constructeur", "operateur", "fabricant",
    "editeur", "assureur", "banque", "distributeur", "equipementier", "laboratoire",
    "compagnie", "enseigne", "geant", "marque", "plate-forme", "plateforme", "chaine",
    "quotidien", "hebdomadaire",
    "company", "firm", "group", "carmaker", "automaker", "retailer", "lender", "insurer",
    "bank", "airline", "chipmaker", "manufacturer", "giant",
];

/// Leader roles: `PDG de X`, `X's CEO` introduce a company; before a capitalised name
/// they also introduce a person.
#[rustfmt::skip]
pub const LEADERS: &[&str] = &[
    "pdg", "ceo", "patron", "patronne", "directeur general", "directrice generale",
    "chief executive", "boss", "chairman", "fondateur", "fondatrice", "founder",
    "cofondateur", "co-founder", "cofounder",
];

/// Person titles: followed by capitalised words they introduce a person.
#[rustfmt::skip]
pub const TITLES: &[&str] = &[
    "m.", "mme", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "monsieur", "madame",
    "president", "presidente", "ministre", "minister", "senator", "senateur", "depute",
    "deputee", "general", "colonel", "capitaine", "captain", "marechal", "amiral",
    "admiral", "docteur", "professeur", "professor", "juge", "judge", "gouverneur",
    "governor", "pape", "pope", "roi", "king", "reine", "queen", "prince", "princesse",
    "princess", "lord", "lady", "sir", "physicien", "physicist", "ecrivain", "writer",
    "chanteur", "chanteuse", "singer", "acteur", "actrice", "actor", "actress", "peintre",
    "painter", "createur", "creatrice", "designer", "couturier", "styliste", "architecte",
    "architect", "ingenieur", "inventeur", "inventor", "chef",
];

/// Legal-form suffixes (`Acme SA`, `Globex Inc.`), matched case-sensitively against
/// these exact spellings.
#[rustfmt::skip]
pub const LEGAL_SUFFIXES: &[&str] = &[
    "SA", "S.A.", "SAS", "SE", "Inc", "Inc.", "Corp", "Corp.", "Ltd", "Ltd.", "GmbH", "plc",
    "PLC", "AG", "NV", "N.V.", "LLC", "Co.", "Limited", "Group",
];

/// Determiners before a coreferent company noun.
#[rustfmt::skip]
pub const DEFINITE: &[&str] = &[
    "le", "la", "l'", "the", "this", "ce", "cette", "cet", "ledit", "ladite",
];

/// Indefinite articles of an appositive (`Acme, a Paris-based startup`).
pub const INDEFINITE: &[&str] = &["a", "an", "un", "une"];

/// Name particles between a first name and a surname (`Léonard de Vinci`).
#[rustfmt::skip]
pub const PARTICLES: &[&str] = &[
    "de", "da", "di", "del", "van", "von", "du", "der", "le", "la",
];

/// Function words and other capitalised words that never start a company or person
/// name (sentence-initial `Le`, `The`, `Quels`, imperatives, months, days…).
#[rustfmt::skip]
pub const STOPWORDS: &[&str] = &[
    // French determiners, pronouns, prepositions, conjunctions, adverbs
    "le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "au", "aux", "ce", "cet",
    "cette", "ces", "mon", "ma", "mes", "son", "sa", "ses", "leur", "leurs", "notre", "nos",
    "votre", "vos", "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "qui",
    "que", "qu'", "quoi", "dont", "ou", "quel", "quels", "quelle", "quelles", "et", "mais",
    "donc", "or", "ni", "car", "si", "a", "en", "dans", "sur", "sous", "par", "pour",
    "avec", "sans", "chez", "entre", "vers", "selon", "depuis", "pendant", "apres", "avant",
    "contre", "malgre", "parmi", "face", "comme", "quand", "lorsque", "puisque", "alors",
    "aussi", "ainsi", "encore", "deja", "toujours", "jamais", "plus", "moins", "tres",
    "tout", "tous", "toute", "toutes", "c'", "j'", "n'", "s'", "m'", "t'", "y", "ne", "pas",
    "voici", "voila", "ici", "la-bas", "pourquoi", "comment", "combien", "oui", "non",
    "cela", "ceci", "ca", "celui", "celle", "ceux", "lui", "eux", "aujourd'hui", "hier",
    "demain", "enfin", "ensuite", "puis", "certes", "pourtant", "cependant", "desormais",
    "mieux", "bien", "seul", "seule", "autre", "autres", "chaque", "plusieurs", "certains",
    "certaines", "ajoutez", "decouvrez", "lisez", "regardez", "ecoutez", "retrouvez",
    "suivez", "voir", "est", "sont", "etait", "ete", "fait", "selon", "cote", "faute",
    "grace", "afin", "nouveau", "nouvelle", "premier", "premiere", "dernier", "derniere",
    "grand", "grande", "petit", "petite", "bon", "bonne", "vrai", "faux", "mme", "m.", "mr",
    "ms", "mrs",
    // English
    "the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "its",
    "our", "their", "i", "you", "he", "she", "it", "we", "they", "who", "whom", "whose",
    "which", "what", "when", "where", "why", "how", "and", "but", "or", "nor", "so", "yet",
    "if", "then", "than", "in", "on", "at", "by", "for", "with", "without", "from", "to",
    "of", "off", "into", "onto", "over", "under", "after", "before", "about", "against",
    "between", "during", "since", "until", "as", "like", "unlike", "while", "although",
    "though", "because", "also", "still", "just", "only", "even", "not", "no", "yes", "all",
    "some", "any", "many", "most", "more", "less", "much", "few", "every", "each", "other",
    "another", "such", "there", "here", "now", "today", "yesterday", "tomorrow",
    "meanwhile", "however", "thus", "instead", "new", "old", "big", "top", "is", "are",
    "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "will", "would",
    "can", "could", "should", "may", "might", "must", "read", "watch", "see", "subscribe",
    "add", "click", "sign", "why", "breaking", "update", "exclusive", "analysis", "opinion",
    "according", "via", "per", "amid", "despite", "shares", "stocks", "stock", "sir",
    // months and days
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
    "samedi", "dimanche", "january", "february", "march", "april", "june", "july", "august",
    "september", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday",
];

/// Words before an ambiguous name that point to a place, not a company (`à Orange`,
/// `in Orange`), when no stronger company evidence exists.
pub const PLACE_PREPOSITIONS: &[&str] = &["a", "in", "near", "pres", "vers", "au", "the"];

/// Common French and English given names (folded), used with the gazetteer persons'
/// first names to tell `Pascal Demurger` (a person) from a company name.
#[rustfmt::skip]
pub const GIVEN_NAMES: &[&str] = &[
    "jean", "pierre", "michel", "philippe", "alain", "nicolas", "patrick", "christophe",
    "francois", "daniel", "bernard", "eric", "frederic", "laurent", "stephane", "olivier",
    "thierry", "david", "julien", "sebastien", "vincent", "thomas", "antoine", "guillaume",
    "pascal", "christian", "jacques", "marc", "paul", "louis", "henri", "gerard", "yves",
    "xavier", "arnaud", "benoit", "emmanuel", "gilles", "didier", "hugues", "denis",
    "marie", "nathalie", "isabelle", "sylvie", "catherine", "francoise", "christine",
    "valerie", "sandrine", "sophie", "anne", "claire", "julie", "camille", "laura",
    "celine", "helene", "agnes", "elisabeth", "martine", "monique", "brigitte", "john",
    "james", "robert", "michael", "william", "richard", "joseph", "charles", "mark",
    "steven", "kevin", "brian", "george", "edward", "peter", "andrew", "jeff", "tim",
    "bill", "elon", "larry", "sergey", "satya", "sundar", "warren", "jamie", "mary",
    "patricia", "jennifer", "linda", "susan", "sarah", "karen", "nancy", "lisa", "emma",
    "anna", "laura", "jane", "kate", "sheryl", "ginni", "ursula", "dana", "victoria",
    "hugo", "sandro", "diane", "alice", "lucie", "lea", "chloe", "manon", "ines",
    "amelie", "audrey", "pauline", "mathilde", "marine", "elodie", "emilie", "caroline",
    "florence", "veronique", "dominique", "claude", "bruno", "fabrice", "franck", "jerome",
    "ludovic", "mathieu", "matthieu", "maxime", "romain", "sylvain", "yann", "alexandre",
    "raphael", "victor", "adrien", "cedric", "damien", "gregory", "herve", "lionel",
    "loic", "lucas", "remi", "serge", "tony", "tom", "ben", "sam", "max", "alex", "chris",
    "jack", "harry", "henry", "oliver", "olivia", "jessica", "amanda", "rachel", "rebecca",
    "emily", "megan", "hannah", "grace", "ruth", "helen", "karl", "hans", "klaus", "lars",
    "sven", "marco", "luca", "giovanni", "carlos", "juan", "jose", "maria", "pedro", "diego",
    "ahmed", "mohamed", "ali", "omar", "fatima", "yusuf", "raj", "priya", "ravi", "wei", "li",
    "jun", "kenji", "yuki", "harrison", "nikola", "leonard", "joan", "martin", "rene",
    "andre", "georges", "roger", "marcel", "jean-pierre", "jean-luc", "jean-claude",
];

/// Common French and English nouns and adjectives (folded, singular) that news
/// capitalises at the start of a sentence, a title or an institution's name
/// (`l'Agence nationale…`, `le groupe Indépendants`, `le Slip français`). A discovered
/// company whose whole name is one of these words is a fragment, not a company.
#[rustfmt::skip]
pub const COMMON_WORDS: &[&str] = &[
    // French
    "agence", "observatoire", "fonds", "groupement", "mecanisme", "institut", "conseil",
    "comite", "commission", "federation", "confederation", "syndicat", "association",
    "union", "office", "autorite", "fondation", "ministere", "caisse", "centre", "chambre",
    "mouvement", "parti", "collectif", "ordre", "cour", "tribunal", "haut", "haute",
    "secretariat", "direction", "universite", "ecole", "academie", "musee", "hopital",
    "assemblee", "senat", "gouvernement", "etat", "republique", "nation", "region",
    "departement", "ville", "commune", "mairie", "prefecture", "police", "justice",
    "armee", "marine", "banque", "bourse", "tresor", "budget", "plan", "programme",
    "projet", "reseau", "service", "services", "societe", "entreprise", "groupe",
    "compagnie", "maison", "fabrique", "atelier", "ateliers", "colonie", "sphere",
    "slip", "independant", "independants", "renaissance", "avenir", "horizon", "ensemble",
    "reconquete", "patrie", "liberte", "egalite", "solidarite", "solidaires", "ecologie",
    "ecologiste", "ecologistes", "socialiste", "socialistes", "communiste", "centriste",
    "republicain", "republicains", "democrate", "democrates", "insoumis", "progres",
    "territoire", "territoires", "europe", "monde", "terre", "planete", "nature", "energie",
    "climat", "sante", "travail", "emploi", "formation", "culture", "education",
    "recherche", "innovation", "transition", "developpement", "investissement", "industrie",
    "commerce", "marche", "marches", "credit", "assurance", "mutuelle", "retraite",
    "logement", "habitat", "transport", "transports", "mobilite", "tourisme", "agriculture",
    "alimentation", "eau", "air", "mer", "vie", "famille", "jeunesse", "femmes", "enfance",
    "presse", "media", "medias", "edition", "editions", "information", "communication",
    "numerique", "digital", "data", "technologie", "technologies", "solutions", "conseils",
    "partenaires", "associes", "international", "internationale", "national", "nationale",
    "francais", "francaise", "europeen", "europeenne", "mondial", "mondiale", "general",
    "generale", "central", "centrale", "public", "publique", "prive", "privee", "social",
    "sociale", "rapport", "etude", "enquete", "affaire", "scandale", "crise", "guerre",
    "paix", "accord", "traite", "loi", "decret", "reforme", "sommet", "forum", "salon",
    "festival", "prix", "concours", "tour", "coupe", "ligue", "club", "equipe", "stade",
    "fin", "debut", "suite", "retour", "bilan", "point", "question", "reponse", "entretien",
    "tribune", "chronique", "editorial", "portrait", "recit", "histoire", "dossier", "objectif",
    "mission", "operation", "strategie", "vision", "ambition", "confiance", "succes",
    "leader", "pionnier", "champion", "geant", "numero", "expert", "experts", "acteur",
    "acteurs", "secteur", "filiere", "branche", "pole", "division", "unite", "usine",
    "site", "campus", "village", "quartier", "capitale", "port", "aeroport", "gare",
    "agents", "salaries", "cadres", "patrons", "dirigeants", "actionnaires", "clients",
    "consommateurs", "citoyens", "habitants", "jeunes", "seniors", "retraites",
    // English (words not already listed above)
    "agency", "authority", "institute", "institution", "foundation", "council", "committee",
    "board", "department", "ministry", "university", "college", "school", "academy",
    "museum", "hospital", "court", "party", "movement", "campaign", "project", "initiative",
    "network", "alliance", "coalition", "fund", "trust", "center", "bureau", "government",
    "state", "people", "world", "earth", "energy", "power", "health", "care", "life",
    "future", "harvest", "frontier", "market", "markets", "capital", "finance", "bank",
    "holding", "holdings", "group", "company", "firm", "partners", "global", "american",
    "british", "european", "first", "united", "standard", "report", "study", "survey",
    "review", "news", "times", "post", "daily", "weekly", "journal", "press", "studio",
    "studios", "labs", "lab", "research", "technology", "systems", "industries", "products",
    "brands", "retail", "consumer", "consumers", "investors", "workers",
];

/// Nationality and regional adjectives (folded; `the French operator`, `the German
/// market`, `l'opérateur allemand`): capitalised in English, they are never a company
/// name on their own. Checked by the learned discovery only (not a model feature).
#[rustfmt::skip]
pub const NATIONALITY_ADJECTIVES: &[&str] = &[
    "french", "german", "italian", "spanish", "portuguese", "dutch", "belgian", "swiss",
    "austrian", "swedish", "norwegian", "danish", "finnish", "irish", "scottish", "welsh",
    "english", "polish", "czech", "hungarian", "romanian", "greek", "turkish", "russian",
    "ukrainian", "chinese", "japanese", "korean", "indian", "pakistani", "indonesian",
    "malaysian", "thai", "vietnamese", "filipino", "taiwanese", "australian", "canadian",
    "mexican", "brazilian", "argentine", "argentinian", "chilean", "colombian", "african",
    "nigerian", "egyptian", "moroccan", "algerian", "tunisian", "israeli", "iranian",
    "iraqi", "saudi", "emirati", "qatari", "asian", "arab", "nordic", "scandinavian",
    "western", "eastern", "northern", "southern", "allemand", "allemande", "italien",
    "italienne", "espagnol", "espagnole", "britannique", "americain", "americaine",
    "chinois", "chinoise", "japonais", "japonaise", "russe", "ukrainien", "ukrainienne",
    "europeen", "europeenne", "africain", "africaine", "indien", "indienne", "belge",
    "neerlandais", "grec", "grecque", "turc", "turque", "polonais", "suedois", "norvegien",
    "danois", "irlandais", "autrichien", "canadien", "mexicain", "bresilien", "australien",
    "coreen", "saoudien", "marocain", "algerien", "tunisien", "israelien", "iranien",
];

/// Head words (folded) that open the name of a non-company body: public agencies,
/// federations, unions, associations, NGOs, parties (`Agence nationale…`, `Fonds
/// monétaire international`, `Observatoire français…`). A discovered name starting
/// with one is not a company.
#[rustfmt::skip]
pub const INSTITUTION_HEADS: &[&str] = &[
    "agence", "observatoire", "fonds", "groupement", "mecanisme", "institut", "conseil",
    "comite", "commission", "federation", "confederation", "syndicat", "association",
    "union", "office", "autorite", "fondation", "ministere", "mouvement", "parti",
    "collectif", "ordre", "cour", "tribunal", "haut", "haute", "secretariat", "universite",
    "ecole", "academie", "musee", "hopital", "assemblee", "senat", "gouvernement",
    "conservatoire", "centre", "chambre", "delegation", "inspection", "mission",
    "programme", "reseau", "ligue", "coordination", "direction", "ong", "agency",
    "authority", "council", "committee", "ministry", "department", "university", "college",
    "school", "academy", "museum", "hospital", "court", "party", "movement", "federal",
];

/// Tail words (folded) that close the name of a non-company body in English word order
/// (`New Standard Institute`, `World Wildlife Fund`, `Citizens Advice Bureau`).
#[rustfmt::skip]
pub const INSTITUTION_TAILS: &[&str] = &[
    "institute", "institution", "foundation", "association", "federation", "union",
    "council", "committee", "commission", "authority", "ministry", "university",
    "college", "school", "academy", "museum", "hospital", "court", "party", "movement",
    "project", "initiative", "campaign", "coalition", "alliance", "forum",
    "observatory", "fund", "bureau", "league", "centre", "center",
];

/// Names and acronyms (folded) of well-known bodies that are not companies: political
/// parties and parliamentary groups, trade unions, employer federations, NGOs,
/// international and public institutions, plus generic acronyms (`PME`, `TGV`). Also
/// checked on each part of a hyphenated name (`LR-UDI`).
#[rustfmt::skip]
pub const NON_COMPANY_ORGS: &[&str] = &[
    // French parties and parliamentary groups
    "lr", "rn", "ps", "lfi", "eelv", "udi", "modem", "lrem", "larem", "pcf", "nupes",
    "npa", "fn", "ump", "dlf", "liot", "horizons", "reconquete", "renaissance", "agir",
    // Trade unions and employer federations
    "cgt", "cfdt", "fo", "cfe-cgc", "cgc", "unsa", "fsu", "cftc", "medef", "cpme", "u2p",
    "afep", "fnsea", "ugict", "snes", "unef",
    // NGOs and charities
    "wwf", "greenpeace", "oxfam", "attac", "amnesty", "msf", "unicef", "emmaus",
    "transparency",
    // International and public bodies, regulators
    "onu", "fmi", "imf", "ocde", "oecd", "bce", "ecb", "fed", "omc", "wto", "oms", "otan",
    "nato", "ue", "eu", "cnil", "amf", "acpr", "insee", "anses", "arcep", "ademe", "giec",
    "ipcc", "cio", "fifa", "uefa", "sec", "ftc", "fda", "doj", "cma", "ofcom", "bafin",
    "urssaf", "unedic", "cnrs", "inserm", "inrae", "cnes", "esa", "nasa", "opep", "opec",
    "unesco", "fao", "bers", "ebrd", "bei", "eib", "cour des comptes",
    // Generic acronyms and indices
    "pme", "tpe", "eti", "cac", "sbf", "tgv", "ter", "rer", "sos", "ong", "ngo", "rsa",
    "smic", "pib", "gdp", "tva", "vat", "ia", "ai", "rh", "hr", "drh", "dg", "ceo", "pdg",
];

/// Words (folded) near `le groupe X` that make it a political or parliamentary group
/// rather than a company (`les députés du groupe X`, `le groupe X au Sénat`).
#[rustfmt::skip]
pub const POLITICAL_CUES: &[&str] = &[
    "depute", "deputes", "deputee", "deputees", "senateur", "senateurs", "senatrice",
    "senatrices", "parlementaire", "parlementaires", "assemblee", "senat", "hemicycle",
    "parlement", "amendement", "amendements", "scrutin", "lawmakers", "lawmaker",
    "congress", "congressional", "senate", "senators", "parliament", "parliamentary",
    "mps", "caucus", "elus", "eurodeputes", "eurodepute", "nupes",
];

/// Qualifiers (folded) right before or after `groupe`/`group` that make it a group of
/// people rather than a firm (`un groupe de réflexion`, `the advocacy group X`,
/// `le groupe parlementaire X`).
#[rustfmt::skip]
pub const NON_COMPANY_QUALIFIERS: &[&str] = &[
    "parlementaire", "politique", "socialiste", "communiste", "ecologiste", "centriste",
    "terroriste", "arme", "armee", "rebelle", "islamiste", "jihadiste", "djihadiste",
    "ethnique", "reflexion", "travail", "pression", "experts", "rock", "musique",
    "militant", "militants", "citoyen", "religieux", "parliamentary", "political",
    "terrorist", "armed", "rebel", "advocacy", "lobby", "lobbying", "campaign",
    "rights", "activist", "environmental", "pressure", "think", "consumer", "civic",
    "ethnic", "religious", "band", "rap", "extremist", "paramilitary", "hacker", "hackers",
    "pirates",
];

/// Capitalised words that continue a company name rather than a person's surname
/// (`Dana Holding`, `Victoria Motors`): after a single-word company alias that is also
/// a given name they keep the company reading.
#[rustfmt::skip]
pub const COMPANY_NAME_WORDS: &[&str] = &[
    "motors", "motor", "trucks", "group", "groupe", "holding", "holdings", "industries",
    "technologies", "technology", "systems", "services", "energy", "energies", "bank",
    "banque", "capital", "partners", "solutions", "international", "airlines", "airways",
    "pharma", "foods", "brands", "retail", "telecom", "media", "finance", "insurance",
    "assurances", "automotive", "aerospace", "electric", "electronics", "labs", "studios",
    "entertainment", "store", "stores", "shop", "watch", "business", "web", "cloud", "corp",
    "corporation", "incorporated", "company", "limited", "sa", "sas", "se", "ag", "nv",
    "plc", "inc", "ltd", "llc", "gmbh", "spa", "co", "france", "europe", "usa", "uk",
];

/// Industry words that end company names more often than surnames (`Mecklai
/// Financial`, `Johnston Press`): with [`COMPANY_NAME_WORDS`], they keep a plain
/// two-word name from reading as a person's (discovery only, not a model feature).
#[rustfmt::skip]
pub const INDUSTRY_NAME_WORDS: &[&str] = &[
    "financial", "securities", "press", "resources", "mining", "oil", "petroleum", "steel",
    "pharmaceuticals", "networks", "power", "infra", "infrastructure", "projects",
    "developers", "chemicals", "logistics", "software",
];

/// Nouns (folded) of an appositive that says a name is not a firm (`X, une association
/// de quartier`, `X, a charity`): discovery drops the name.
#[rustfmt::skip]
pub const NON_COMPANY_APPOSITIVES: &[&str] = &[
    "association", "ong", "federation", "syndicat", "parti", "fondation", "collectif",
    "mouvement", "organisation", "institut", "observatoire", "agence", "autorite",
    "etablissement", "think", "charity", "nonprofit", "non-profit", "ngo", "union",
    "foundation", "agency", "authority", "party", "movement", "institute", "organization",
    "campaign", "coalition", "club", "collective",
];

/// Capitalised words (folded) that, right after a company name, make it the sponsor
/// in a venue's or an event's name (`Accor Arena`, `Allianz Stadium`, `Heineken Cup`).
#[rustfmt::skip]
pub const VENUE_WORDS: &[&str] = &[
    "arena", "stadium", "stade", "dome", "velodrome", "theatre", "theater", "auditorium",
    "cup", "trophy", "trophee", "open", "masters", "festival",
];

/// Nouns (folded) that, within the four words before a newspaper's or a channel's
/// name, cite it as the medium of a quote, a column or a programme (`tribune au
/// « Monde »`, `interview accordée au Figaro`) rather than as a business.
#[rustfmt::skip]
pub const MEDIUM_NOUNS: &[&str] = &[
    "tribune", "entretien", "interview", "chronique", "editorial", "colonnes", "micro",
    "antenne", "plateau", "column", "op-ed", "oped",
    // The people and programmes of a newspaper or a channel (`journalistes de Radio
    // France`, `présentateur de TF1`, `an anchor at CNN`).
    "journaliste", "journalistes", "animateur", "animatrice", "presentateur",
    "presentatrice", "chroniqueur", "chroniqueuse", "editorialiste", "reporter",
    "reporters", "correspondant", "correspondante", "emission", "voix", "journalist",
    "journalists", "anchor", "presenter", "programme", "broadcast",
];

/// Prepositions and verbs (folded) that, right before a newspaper's or a channel's
/// name (past articles), cite it as a medium: `selon Le Figaro`, `d'après Les Echos`,
/// `sur France 2`, `told Reuters`, `according to the FT`.
#[rustfmt::skip]
pub const MEDIUM_LINKS: &[&str] = &["selon", "apres", "sur", "told", "according", "on"];

/// Section labels that scraped headlines carry glued to their first word
/// (`CompaniesAcme sheds…`, `MarketsPellix up 2.5%`, `News FeedFTSE 100 risers`); case
/// sensitive, checked at the start of a line only.
pub const SECTION_LABELS: &[&str] = &[
    "Companies",
    "Markets",
    "Business",
    "Economy",
    "News Feed",
    "Feed",
    "Technology",
    "Banking",
    "Retail",
    "Economie",
    "Entreprises",
    "Marchés",
];
