"""The two concrete record routers."""

from app.records.filters import CompanyQuery, ContactQuery
from app.records.kinds import COMPANIES, CONTACTS
from app.records.router import build_router
from app.records.schemas import (
    CompanyCreate,
    CompanyRead,
    CompanyUpdate,
    ContactCreate,
    ContactRead,
    ContactUpdate,
)

contacts_router = build_router(
    CONTACTS, "contacts", ContactCreate, ContactUpdate, ContactRead, ContactQuery
)
companies_router = build_router(
    COMPANIES, "companies", CompanyCreate, CompanyUpdate, CompanyRead, CompanyQuery
)
