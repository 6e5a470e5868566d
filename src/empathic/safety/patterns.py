"""The detector's word patterns, by category and language (EN, FR, ES, DE, some IT/PT).

Patterns run on the matching view of a text (:func:`empathic.safety.text.view`: lower case, accents dropped,
look-alike letters and leetspeak undone), so they are written in lower case without accents (matching a
lower-cased text is about twice as fast as a case-insensitive match). Each rule carries the
plain-words reason a user sees. Instruction rules look for text *addressed to a model* (overrides, role-play,
"reply only with", imperatives that open a sentence, requests for the prompt, code words), not for ordinary
advice to other shoppers ("size up", "wash cold").
"""

from __future__ import annotations

import re

from empathic.types import SafetyCategory as C

_S = r"(?:^|(?<=[.!?:;\n(\[\"“”'¡¿*>-]))\s*"  # a sentence (or clause) start
_NEAR = r"[^.!?\n]{0,48}?"  # within the same sentence

Rule = tuple[C, re.Pattern[str], str]


def _rules(*rows: tuple[C, str, str]) -> tuple[Rule, ...]:
    return tuple((cat, re.compile(pat, re.MULTILINE), why) for cat, pat, why in rows)


_MODEL = (
    r"(?:ai|a\.i\.|assistant|(?:ai |language )model|llm|chat ?bot|bot|gpt|chatgpt|claude|gemini|copilot|copywriter)"
)
_OUTPUT = r"(?:answer|output|response|reply|ad|advert|copy|text|summary|narrative|e-?mail|post|headline|script)"
_LEAD = r"(?:(?:please|kindly|now|also|then|and|just|pls),?\s+)?"

INSTRUCTION = _rules(
    # English
    (
        C.INSTRUCTION,
        rf"\b(?:ignore|disregard|forget|override|bypass|skip|drop)\b{_NEAR}\b(?:instructions?|prompts?|"
        r"rules|directions|guidelines|directives|constraints|system message|programming)\b",
        "tells a model to drop its instructions",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:ignore|disregard|forget)\s+(?:all|everything)\s+(?:above|before|previous|prior|else)\b|"
        r"\b(?:ignore|disregard)\s+(?:all\s+|everything\s+|the\s+)?(?:above|preceding|foregoing)\b",
        "tells a model to drop its instructions",
    ),
    (
        C.INSTRUCTION,
        rf"\binstead,?\s+(?:output|write|say|respond|reply|print)\b|\b(?:start|begin|end|finish)\s+(?:your|the)\s+"
        rf"{_OUTPUT}\s+with\b|\b(?:as|to)\s+the\s+{_MODEL}\b|\bwhen\s+(?:you\s+)?(?:write|writing|generate|"
        r"generating|compose|composing|create|creating)\s+(?:the|this|your)\s+(?:ad|advert|copy|e-?mail|landing(?: "
        r"page)?|narrative|post|script|headline|summary|slogan)\b",
        "dictates what the copy must say",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:new|updated|real|actual|hidden|secret|additional|next)\s+(?:instructions?|task|"
        r"directives?|objective|orders)\b",
        "announces new instructions",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:you are now|you're now|from now on,? (?:you|your)|pretend (?:to be|you are|that you)|"
        r"role-?play as|developer mode|jailbreak|do anything now|as an ai(?: language)? model)\b",
        "tries to give a model a new role",
    ),
    (
        C.INSTRUCTION,
        rf"\bact as (?:an? |the |if you were )?(?:\w+ )?{_MODEL}\b|\bact as (?:an? )?(?:evil|unfiltered|"
        r"uncensored|different|new)\b",
        "tries to give a model a new role",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:reply|respond|answer|output|print|return|say)\s+(?:only|just|solely|exclusively)\b|"
        r"\b(?:reply|respond|answer)\s+with\s+(?:only|just)\b|\bonly\s+(?:reply|respond|answer|output)\b",
        "tells a model what to reply",
    ),
    (
        C.INSTRUCTION,
        rf"{_S}{_LEAD}(?:write|output|respond|reply|append|insert|translate|include|"
        r"mention|generate|produce|compose|rewrite|decode|execute|obey|end (?:it |the \w+ )?with|"
        r"start (?:it |the \w+ )?with|begin with)\b",
        "an order that opens a sentence, addressed to the writer of the copy",
    ),
    (
        C.INSTRUCTION,
        rf"{_S}{_LEAD}(?:say|print|type|repeat)\s+(?:only|exactly|verbatim|after me|the word|that|this|"
        r"your|[\"“'])",
        "tells a model what to say",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:add|insert|include|use|mention|append|put|place)\s+(?:the|this|these|a|my)?\s*(?:word|"
        r"phrase|sentence|text|link|url|code|marker|slogan|hashtag)s?\b",
        "tells a model to add words",
    ),
    (
        C.INSTRUCTION,
        rf"\b(?:in|into|to) your {_OUTPUT}\b|\bthe {_MODEL} (?:must|should|will|has to|needs to)\b|"
        rf"\b(?:tell|ask|instruct|dear|hey|hi|hello|attention|note to|message for|calling all) (?:the |any |all )?"
        rf"{_MODEL}s?\b|\bif you(?: are|'re) an? {_MODEL}\b",
        "addresses a language model",
    ),
    (
        C.INSTRUCTION,
        rf"\b(?:the|this|your|any) {_OUTPUT}s? (?:for this |about this |you write )?(?:must|should|has to|"
        r"needs to|shall) (?:end|start|begin|include|say|contain|mention|be|read|repeat|use)\b",
        "dictates what the copy must say",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:system prompt|(?:your|the) (?:system )?prompt|your (?:instructions|rules|guidelines)|"
        r"system message|initial prompt|hidden prompt)\b|\b(?:reveal|leak|disclose|show me|print out)\b"
        r"[^.!?\n]{0,30}\b(?:prompt|instructions|rules|marker|canary|secret)\b",
        "asks for the prompt (prompt leak)",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:code ?word|secret (?:word|code|phrase)|magic word|marker word|trigger word|canary)\b",
        "plants a code word",
    ),
    # French
    (
        C.INSTRUCTION,
        rf"\b(?:ignore[zr]?|oublie[zr]?|ne tenez pas compte)\b{_NEAR}\b(?:instructions?|consignes?|"
        r"regles|directives|prompt)\b",
        "tells a model to drop its instructions (French)",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:veuillez|merci de|je vous demande de|tu dois|vous devez)\s+(?:ecrire|repondre|inclure|"
        r"ajouter|mentionner|dire|afficher|reveler|repeter|imprimer|traduire|ignorer|oublier|terminer|commencer)\b",
        "a polite instruction to a model (French)",
    ),
    (
        C.INSTRUCTION,
        rf"{_S}(?:ecrivez|ecris|repondez|reponds|affichez|ajoutez|incluez|dites|repetez|traduisez|"
        r"imprimez|terminez)\b",
        "an order that opens a sentence (French)",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:tu es|vous etes) (?:maintenant|desormais)\b|\b(?:agis|agissez|fais semblant|faites "
        r"semblant) (?:comme|en tant que|d'etre)\b|\bnouvelles? (?:instructions?|consignes?|taches?)\b|"
        r"\bprompt systeme\b|\bmot (?:de code|secret|code)\b|\b(?:dans|en) (?:votre|ta) (?:reponse|publicite|annonce)\b"
        r"|\bla publicite (?:doit|devra)\b",
        "addresses a language model (French)",
    ),
    # Spanish
    (
        C.INSTRUCTION,
        rf"\b(?:ignora|ignore|ignorad|ignoren|olvida|olvide|olvidad|olviden)\b{_NEAR}\b(?:instrucciones|"
        r"reglas|indicaciones|ordenes|prompt)\b",
        "tells a model to drop its instructions (Spanish)",
    ),
    (
        C.INSTRUCTION,
        rf"{_S}(?:por favor,?\s+)?(?:escribe|escriba|escribid|responde|responda|diga|imprime|repite|"
        r"repita|anade|incluye|incluya|traduce|menciona)\b|\bpor favor,?\s+(?:escribe|escriba|responde|responda|"
        r"incluye|incluya|anade|di|diga|repite|ignora|olvida)\b",
        "an order addressed to a model (Spanish)",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:ahora eres|ahora sos|actua como|actue como|finge ser)\b|\bnuevas? (?:instrucciones|"
        r"tareas?|ordenes)\b|\b(?:prompt|mensaje) del sistema\b|\bpalabra (?:clave|secreta)\b|\ben tu (?:respuesta|"
        r"anuncio)\b|\bresponde (?:solo|solamente|unicamente) con\b",
        "addresses a language model (Spanish)",
    ),
    # German
    (
        C.INSTRUCTION,
        rf"\b(?:ignoriere|ignorier|ignorieren sie|vergiss|vergessen sie|missachte)\b{_NEAR}\b(?:"
        r"anweisungen|anweisung|befehle|regeln|vorgaben|instruktionen|prompt)\b",
        "tells a model to drop its instructions (German)",
    ),
    (
        C.INSTRUCTION,
        rf"{_S}(?:bitte\s+)?(?:schreibe|schreib|antworte|wiederhole|fuge|nenne|ubersetze|gib \w+ aus)\b|"
        r"\b(?:schreiben|antworten|wiederholen|ignorieren|vergessen|nennen) sie\b|\bbitte (?:schreibe|schreib|antworte|"
        r"gib|wiederhole|ignoriere|vergiss|sag|sage|nenne)\b",
        "an order addressed to a model (German)",
    ),
    (
        C.INSTRUCTION,
        r"\b(?:du bist jetzt|du bist nun|sie sind jetzt|tu so,? als|handle als|agiere als)\b|\bneue "
        r"(?:anweisungen|aufgabe|befehle)\b|\b(?:antworte|antworten sie) nur\b|\b(?:codewort|geheimwort)\b|"
        r"\bin deiner (?:antwort|anzeige|ausgabe)\b",
        "addresses a language model (German)",
    ),
    # Italian, Portuguese
    (
        C.INSTRUCTION,
        rf"\b(?:ignora|ignorate|dimentica|dimenticate|ignore|esqueca)\b{_NEAR}\b(?:istruzioni|instrucoes|regole|regras)\b|"
        rf"{_S}(?:scrivi|rispondi|escreva|responda)\b",
        "an order addressed to a model (Italian/Portuguese)",
    ),
)

# spaced-out or run-together letters ("i g n o r e  p r e v i o u s"), matched on letters only
CONDENSED = re.compile(
    r"ignor\w{0,3}(?:all|any|the|your)?(?:previous|prior|above|earlier|preceding)(?:instruction|prompt|rule|direction)"
    r"|disregard(?:all|any|the|your)?(?:previous|prior|above)?(?:instruction|rule|prompt)|systemprompt"
    r"|ignorez(?:toutes)?lesinstructions|ignoriere(?:alle)?(?:vorherigen)?anweisungen|ignora(?:todas)?lasinstrucciones"
)

ROLE_MARKER = _rules(
    (
        C.ROLE_MARKER,
        r"<\|?\s*/?\s*(?:im_start|im_end|system|assistant|user|endoftext|eot_id|start_header_id|"
        r"end_header_id|begin_of_text)\s*\|?>|\[/?inst\]|<<\s*/?sys\s*>>",
        "a chat-template token",
    ),
    (
        C.ROLE_MARKER,
        rf"{_S}(?:#+\s*)?(?:system|assistant|developer|human|admin|root|ai)\s*(?:prompt|message|note|"
        r"override|instructions?)?\s*:",
        "a fake role turn (system:, assistant: ...)",
    ),
    (
        C.ROLE_MARKER,
        r"#+\s*(?:system|instructions?|assistant|user|response)\b|[\[(]\s*(?:system|assistant|admin|"
        r"developer)\s*(?:message|note|prompt)?\s*[\])]|\"role\"\s*:\s*\"",
        "a fake role header",
    ),
)

MARKUP = _rules(
    (C.MARKUP, r"<!--.*?(?:-->|$)", "an HTML comment"),
    (C.MARKUP, r"\[//\]:\s*#.*?$|\[comment\]:\s*<>", "a markdown comment"),
    (C.MARKUP, r"</?[a-z][\w:-]{0,40}(?:\s[^<>\n]{0,200})?/?>", "a markup tag"),
    (C.MARKUP, r"\{%.*?(?:%\}|$)|\{\{.*?(?:\}\}|$)|```", "a template or code block"),
    (C.MARKUP, r"[\"'”]\s*[}\]]|[}\]]\s*[}\]]|\{\s*\"", "breaks out of a data block (JSON delimiters)"),
)

URL = _rules(
    (C.URL, r"(?:https?|ftp)://[^\s<>\"“”]+|\bwww\.[^\s<>\"“”]+", "a web address"),
    (
        C.URL,
        r"\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|uk|ly|biz|info|xyz|ru|cn|shop|store|site|"
        r"online|app|me|tv|link|click|top|example|de|fr|es)\b(?:/[^\s]*)?",
        "a web address",
    ),
    (
        C.URL,
        r"\b[\w-]+\s*[(\[]?\s*dot\s*[)\]]?\s*(?:com|net|org|io|co|biz|info|shop|store|xyz)\b",
        "a web address spelled out",
    ),
    (
        C.URL,
        r"\b(?:visit|go to|head (?:over )?to|check out|click|tap) (?:on )?(?:our|my|their|the|this)\s+(?:web ?site|"
        r"site|online shop|page|channel|profile|link|blog|bio|shop)\b|\blink in (?:my |the )?bio\b|\b(?:use|enter) "
        r"(?:my |the )?(?:promo |discount |coupon )?code\s+[a-z0-9]",
        "sends readers elsewhere (a call to action)",
    ),
)

CONTACT = _rules(
    (
        C.CONTACT,
        r"\b(?:call|text|whatsapp|dm|message|e-?mail|contact|ring|ping)\s+(?:me|us)\b|\breach (?:me|us) "
        r"(?:at|on|via)\b|\b(?:whatsapp|telegram|signal|wechat|snapchat|instagram|insta|tiktok)\s*(?::|@)\s*@?\w{3,}",
        "asks readers to make contact",
    ),
)

_INSULT_WORDS = (
    r"idiots?|idiotic|morons?|moronic|imbeciles?|cretins?|retard(?:s|ed)?|scumbags?|bastards?|assholes?|arseholes?|"
    r"dickheads?|f+u+c+k\w*|f[*#@!]+c?k\w*|motherf\w+|shit(?:ty|head|s)?|bullshit|sh[*!1]t|cunts?|bitch(?:es)?|"
    r"whores?|sluts?|twats?|wankers?|dumbass(?:es)?|jackass(?:es)?|douche(?:bags?)?|"
    r"connard?s?|connasses?|salauds?|salopes?|encules?|putain|merde|abrutis?|debiles?|"
    r"idiotas?|imbeciles|estupidos?|pendejos?|cabron(?:es)?|putas?|mierda|gilipollas|hijos? de puta|"
    r"arschloch|arschlocher|schei(?:ss|ß)e|wichser|hurensohn|vollidiot(?:en)?|trottel|idioten|depp(?:en)?"
)
INSULT = _rules(
    (C.INSULT, rf"\b(?:{_INSULT_WORDS})\b", "an insult or profanity"),
    (
        C.INSULT,
        r"\b(?:you|they|these|those|their|the) (?:people|guys|staff|owners?|clowns)? ?(?:are|r) (?:all )?"
        r"(?:stupid|pathetic|disgusting|losers|clowns|trash|garbage|scum|worthless)\b|\b(?:stupid|pathetic|"
        r"incompetent|worthless) (?:people|staff|owners?|ceo|founders?|company|idiots|fools|clowns)\b",
        "an insult",
    ),
)

_ACCUSED = (
    r"scam(?:mers)?|frauds?|fraudsters?|crooks?|criminals?|liars?|thie(?:f|ves)|con artists?|swindlers?|racists?|"
    r"p(?:a)?edophiles?|rapists?|murderers?|nazis?|escrocs?|arnaqueurs?|voleurs?|voleuses?|menteurs?|"
    r"criminels?|estafa(?:dor|dores)?|ladron(?:es)?|mentirosos?|criminales|betruger|abzocker|lugner|diebe|kriminelle"
)
DEFAMATION = _rules(
    (
        C.DEFAMATION,
        rf"\b(?:is|are|be|were|was|bunch of|total|complete|real|absolute|sont des|es un|son unos?|sind|"
        rf"ist ein)\s+(?:an?\s+|des\s+|unos?\s+)?(?:{_ACCUSED})\b",
        "accuses someone of a crime or fraud",
    ),
    (
        C.DEFAMATION,
        r"\b(?:scammers|fraudsters|crooks|swindlers|con artists|escrocs|arnaqueurs|estafadores|betruger|"
        r"abzocker)\b|\b(?:stole|steals?|stealing) (?:from|money|my money|"
        r"our money|customers|people)\b|\b(?:money laundering|embezzl\w+)\b|\b(?:arnaque|escroquerie|estafa|"
        r"betrug|abzocke)\b",
        "accuses someone of a crime or fraud",
    ),
    (
        C.DEFAMATION,
        r"\b(?:uses?|using|employs?|made (?:by|with)) (?:child|slave|forced) labou?r\b|\b(?:should|will|"
        r"ought to) be (?:jailed|arrested|prosecuted|locked up|in (?:jail|prison))\b|\b(?:is|are) (?:going bankrupt|"
        r"under (?:criminal )?investigation|being sued)\b|\b(?:poison(?:s|ing)?|poisonous|carcinogenic)\b",
        "a damaging claim about a company or person",
    ),
)

_DISEASE = (
    r"eczema|psoriasis|acne|rosacea|dermatitis|arthritis|arthrite|artritis|rheumatism|cancer|krebs|tumou?rs?|"
    r"diabetes|diabete|covid(?:-19)?|coronavirus|depression|anxiety|insomnia|asthma|allerg(?:y|ies)|migraines?|"
    r"back pain|sciatica|varicose veins|cellulite|hair loss|baldness|autism|adhd|fibromyalgia|infections?|"
    r"fungus|athlete's foot|plantar fasciitis|bunions?|neurodermitis|rashes"
)
MEDICAL = _rules(
    (
        C.MEDICAL_CLAIM,
        rf"\b(?:cures?|cured|curing|heal(?:s|ed|ing)?|treats?|treated|prevents?|prevented|reverses?|"
        rf"reversed|eliminate[sd]?|relieve[sd]?|clear(?:s|ed) up|got rid of|fix(?:es|ed)? my|gueri\w*|soign\w*|cura|"
        rf"curo|curan|curar|heilt|heilte|heilen)\b{_NEAR}\b(?:{_DISEASE})\b",
        "a health claim (cures or treats a condition)",
    ),
    (
        C.MEDICAL_CLAIM,
        rf"\b(?:{_DISEASE})\b[^.!?\n]{{0,30}}\b(?:cured|gone|disappeared|vanished|healed|guerie?s?)\b",
        "a health claim (cures or treats a condition)",
    ),
    (
        C.MEDICAL_CLAIM,
        r"\b(?:causes?|caused|gives? you|gave me|gives? people) (?:cancer|tumou?rs?|autism|infertility|"
        r"diabetes)\b|\b(?:clinically|medically|scientifically) (?:proven|tested|shown)\b|\b(?:doctor|dermatologist|"
        r"physician)[- ](?:recommended|approved)\b|\bfda[- ]approved\b|\b(?:boosts?|strengthens?) (?:your |the )?"
        r"immun\w*|\bdetox(?:es|ify|ifies)?\b",
        "a medical claim",
    ),
)

ABSOLUTE = _rules(
    (
        C.ABSOLUTE_CLAIM,
        r"\b100 ?% (?:guaranteed|effective|safe|proven|risk[- ]free|satisfaction|success|garanti\w*|"
        r"garantiert|garantizado)\b|\b(?:guaranteed|garanti|garantiert|garantizado) (?:a |al |zu )?100 ?%|"
        r"\bguaranteed to (?:work|cure|fix|heal|last forever|never)\b|\b(?:money[- ]back|lifetime) guarantee\b|"
        r"\brisk[- ]free\b|\bnever fails\b(?! to)|\bworks for (?:everyone|everybody|anyone|all)\b|"
        r"\b(?:no|zero) side[- ]effects\b|\bmiracle (?:cure|product|fabric|cream|remedy)\b|"
        r"\b(?:best|#1|number one|no\.? ?1) in the (?:world|universe|country|market)\b",
        "an absolute claim the brand could not back",
    ),
)

RULES: tuple[Rule, ...] = INSTRUCTION + ROLE_MARKER + MARKUP + URL + CONTACT + INSULT + DEFAMATION + MEDICAL + ABSOLUTE
