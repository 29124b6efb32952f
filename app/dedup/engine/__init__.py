"""The pure duplicate-matching engine: no I/O, no settings, no database.

normalise (views of records) → keys (blocking) → compare (per-field levels) → score
(Fellegi–Sunter evidence, verdict, reasons) → cluster. The same functions serve the
entry-time lookup (one record against its candidates) and the batch scan.

    left, right = company_view(a), company_view(b)
    model = for_base_size(COMPANY_MODEL, n_records)
    result = score_companies(left, right, model, term_frequencies)
"""

from app.dedup.engine import screen
from app.dedup.engine.cluster import clusters
from app.dedup.engine.keys import bounded_keys, company_keys, contact_keys
from app.dedup.engine.model import COMPANY_MODEL, CONTACT_MODEL, MatchModel, for_base_size
from app.dedup.engine.normalise import CompanyView, ContactView, company_view, contact_view
from app.dedup.engine.result import Evidence, MatchResult, Verdict
from app.dedup.engine.score import score_companies, score_contacts
from app.dedup.engine.terms import TermFrequencies, company_terms, contact_terms

__all__ = [
    "COMPANY_MODEL",
    "CONTACT_MODEL",
    "CompanyView",
    "ContactView",
    "Evidence",
    "MatchModel",
    "MatchResult",
    "TermFrequencies",
    "Verdict",
    "bounded_keys",
    "clusters",
    "company_keys",
    "company_terms",
    "company_view",
    "contact_keys",
    "contact_terms",
    "contact_view",
    "for_base_size",
    "score_companies",
    "score_contacts",
    "screen",
]
