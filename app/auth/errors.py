"""Authentication and authorisation problems."""

from __future__ import annotations

from app.core.errors import Conflict, DomainError, NotFound


class NotAuthenticated(DomainError):
    status, code = 401, "auth.not_authenticated"
    title = {"en": "Authentication required", "fr": "Authentification requise"}
    headers = {"WWW-Authenticate": "Bearer"}


class InvalidAccessToken(DomainError):
    status, code = 401, "auth.invalid_token"
    title = {
        "en": "The access token is invalid, expired or revoked",
        "fr": "Le jeton d'accès est invalide, expiré ou révoqué",
    }
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class MissingScope(DomainError):
    status, code = 403, "auth.missing_scope"
    title = {
        "en": "Your role does not allow this operation",
        "fr": "Votre rôle ne permet pas cette opération",
    }


class InvalidCredentials(DomainError):
    """Same answer for an unknown account, a wrong password, a wrong code or a locked account."""

    status, code = 401, "auth.invalid_credentials"
    title = {
        "en": "Invalid credentials or one-time code",
        "fr": "Identifiants ou code à usage unique invalides",
    }


class InvalidClient(DomainError):
    status, code = 401, "auth.invalid_client"
    title = {"en": "Invalid client credentials", "fr": "Identifiants client invalides"}
    headers = {"WWW-Authenticate": 'Basic realm="crm-dq"'}


class UnsupportedGrant(DomainError):
    status, code = 400, "auth.unsupported_grant_type"
    title = {"en": "Unsupported grant type", "fr": "Type d'autorisation non pris en charge"}


class InvalidScopeRequest(DomainError):
    status, code = 400, "auth.invalid_scope"
    title = {
        "en": "The requested scope is unknown or not granted",
        "fr": "La portée demandée est inconnue ou non accordée",
    }


class TooManyAttempts(DomainError):
    status, code = 429, "auth.too_many_attempts"
    title = {
        "en": "Too many attempts from this address; retry later",
        "fr": "Trop de tentatives depuis cette adresse ; réessayez plus tard",
    }

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}


class InvalidSetupToken(DomainError):
    status, code = 400, "auth.invalid_setup_token"
    title = {
        "en": "The set-up token is invalid or expired",
        "fr": "Le jeton d'initialisation est invalide ou expiré",
    }


class InvalidTotpCode(DomainError):
    status, code = 400, "auth.invalid_totp_code"
    title = {"en": "Invalid one-time code", "fr": "Code à usage unique invalide"}


class WeakPassword(DomainError):
    status, code = 422, "auth.weak_password"
    title = {"en": "Password refused by the policy", "fr": "Mot de passe refusé par la politique"}


class UserNotFound(NotFound):
    code = "users.not_found"
    title = {"en": "User not found", "fr": "Utilisateur introuvable"}


class EmailTaken(Conflict):
    code = "users.email_taken"
    title = {"en": "A user with this email exists", "fr": "Un utilisateur a déjà cet e-mail"}


class LastAdmin(Conflict):
    code = "users.last_admin"
    title = {
        "en": "This would leave no active administrator",
        "fr": "Il ne resterait aucun administrateur actif",
    }


class ServiceAccountNotFound(NotFound):
    code = "service_accounts.not_found"
    title = {"en": "Service account not found", "fr": "Compte de service introuvable"}


class ServiceAccountNameTaken(Conflict):
    code = "service_accounts.name_taken"
    title = {"en": "A service account has this name", "fr": "Un compte de service porte ce nom"}


class ForbiddenServiceAccountScope(DomainError):
    status, code = 422, "service_accounts.forbidden_scope"
    title = {
        "en": "A service account can never hold users:manage",
        "fr": "Un compte de service ne peut jamais avoir users:manage",
    }


def auth_problem_responses() -> dict[int | str, dict]:
    """401/403 problems every protected router documents."""
    from app.core.errors import problem_responses

    return problem_responses(NotAuthenticated, InvalidAccessToken, MissingScope)
