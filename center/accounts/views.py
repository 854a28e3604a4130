import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from center.core.errors import ApplicationError
from center.core.permissions import PUBLIC, SIGNED_IN, access
from center.core.views import apply_errors

from . import rules, selectors, services
from .enums import AccountKind
from .forms import (
    ApiTokenForm,
    DelegationForm,
    LoginForm,
    OtpForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    SetPasswordForm,
    SignupForm,
    UserActiveForm,
    UserCreateForm,
    UserEditForm,
)
from .rules import ACCOUNT_ADMIN, OWN_ACCOUNT
from .tokens import password_token, safe_next


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        services.session_sign_in(request=self.request, user=form.get_user())
        return HttpResponseRedirect(self.get_success_url())


login_view = access(PUBLIC)(LoginView.as_view())


# --- sign-up of an expert, e-mail verification, password recovery (public pages) ------------------------------


@access(PUBLIC)
def signup(request):
    """An expert answering a recruitment call creates an account; it is usable once the e-mail is verified."""
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or "core:workbench")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.external_signup(
                full_name=data["full_name"], email=data["email"], password=data["password"], next_url=next_url
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            request.session["signup_email"] = data["email"]
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@access(PUBLIC)
def signup_sent(request):
    return render(request, "accounts/signup_sent.html", {"email": request.session.get("signup_email", "")})


@access(PUBLIC)
def signup_verify(request, uidb64: str, token: str):
    next_url = safe_next(request.GET.get("next"))
    try:
        services.signup_verify(uidb64=uidb64, token=token)
    except ApplicationError as exc:
        return render(request, "accounts/signup_verify_failed.html", {"message": exc.message}, status=400)
    messages.success(request, _("邮箱已验证，请登录。"))
    login_url = reverse("accounts:login")
    return redirect(login_url + ("?" + urlencode({"next": next_url}) if next_url else ""))


@access(PUBLIC)
def password_reset(request):
    """Ask for a set-password link. The answer never says whether the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(email=form.cleaned_data["email"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


@access(PUBLIC)
def password_reset_sent(request):
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view checks the link (and keeps the token out of the address bar); the password is set by
    a service (validated, audited)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    token_generator = password_token

    def form_valid(self, form):
        try:
            services.password_reset_complete(
                user_id=self.user.pk, new_password=form.cleaned_data["new_password1"]
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect("accounts:password_reset_done")


password_reset_confirm = access(PUBLIC)(PasswordResetConfirmView.as_view())


@access(PUBLIC)
def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


logout_view = access(PUBLIC)(auth_views.LogoutView.as_view())


def lockout_response(request, response, credentials):
    """django-axes calls this once (username, IP) passed the failure limit."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


@access(SIGNED_IN)
def otp_verify(request):
    user = request.user
    if not user_has_device(user, confirmed=True) or user.is_verified():
        return redirect("core:workbench")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            services.two_factor_record_verification(actor=user, verified=True)
            return redirect(request.GET.get("next") or "core:workbench")
        services.two_factor_record_verification(actor=user, verified=False)
        form.add_error("token", _("验证码不正确或已过期。"))
    return render(request, "accounts/otp_verify.html", {"form": form})


def _qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=4, dark="#111")


@access(OWN_ACCOUNT)
def two_factor_setup(request):
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed:
        return render(
            request,
            "accounts/two_factor.html",
            {"enabled": True, "required": rules.two_factor_required(user)},
        )
    device = services.two_factor_device_for_setup(actor=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.two_factor_enable(actor=user, device_id=device.pk)
            device.confirmed = True
            otp_login(request, device)
            messages.success(request, _("已启用两步验证。"))
            return redirect("accounts:profile")
        form.add_error("token", _("验证码不正确，请核对手机时间后重试。"))
    secret = base64.b32encode(device.bin_key).decode()
    uri = device.config_url
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": False,
            "form": form,
            "qr": _qr_data_uri(uri),
            "secret": secret,
            "required": rules.two_factor_required(user),
        },
    )


@require_POST
@access(OWN_ACCOUNT)
def two_factor_disable(request):
    user = request.user
    if rules.two_factor_required(user):
        messages.error(request, _("您的岗位必须启用两步验证，不能关闭。"))
        return redirect("accounts:two_factor_setup")
    if match_token(user, request.POST.get("token", "")) is None:
        messages.error(request, _("验证码不正确，未关闭两步验证。"))
        return redirect("accounts:two_factor_setup")
    try:
        services.two_factor_disable(actor=user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:two_factor_setup")
    messages.success(request, _("已关闭两步验证。"))
    return redirect("accounts:profile")


@access(SIGNED_IN)
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            request.user.refresh_from_db()
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("core:workbench")
    return render(request, "accounts/password_change.html", {"form": form})


@access(OWN_ACCOUNT)
def profile(request):
    user = request.user
    token_form = ApiTokenForm(request.POST or None) if request.POST.get("form") == "token" else ApiTokenForm()
    new_token = None
    if request.method == "POST" and request.POST.get("form") == "token" and token_form.is_valid():
        try:
            _obj, new_token = services.api_token_create(
                actor=user, name=token_form.cleaned_data["name"], days=token_form.cleaned_data["days"]
            )
        except ApplicationError as exc:
            apply_errors(token_form, exc)
    return render(
        request,
        "accounts/profile.html",
        {
            "token_form": token_form,
            "new_token": new_token,
            "tokens": user.api_tokens.filter(revoked_at__isnull=True),
            "two_factor": user_has_device(user, confirmed=True),
        },
    )


@require_POST
@access(OWN_ACCOUNT)
def api_token_revoke(request, pk: int):
    try:
        services.api_token_revoke(actor=request.user, token_id=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("令牌已撤销。"))
    return redirect("accounts:profile")


@access(OWN_ACCOUNT)
def delegations(request):
    user = request.user
    form = DelegationForm(request.POST or None, actor=user, candidates=selectors.delegate_candidates(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(
                actor=user,
                delegate_id=form.cleaned_data["delegate"].pk,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("委托已登记。"))
            return redirect("accounts:delegations")
    return render(
        request,
        "accounts/delegations.html",
        {
            "form": form,
            "can_delegate": rules.can_delegate(user),
            "given": selectors.delegations_given(user),
            "received": selectors.delegations_received(user),
        },
    )


@require_POST
@access(OWN_ACCOUNT)
def delegation_revoke(request, pk: int):
    try:
        services.delegation_revoke(actor=request.user, delegation_id=pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("委托已撤销。"))
    return redirect("accounts:delegations")


@access(ACCOUNT_ADMIN)
def user_list(request):
    g = request.GET
    users = selectors.user_list_for(
        request.user, department=g.get("department"), q=g.get("q", ""), kind=g.get("kind", "")
    )
    page = Paginator(users, 50).get_page(g.get("page"))
    query = urlencode({k: g[k] for k in ("kind", "department", "q") if g.get(k)})
    return render(
        request,
        "accounts/user_list.html",
        {
            "users": page.object_list,
            "page": page,
            "query": query,
            "departments": selectors.departments(),
            "kinds": AccountKind.choices,
        },
    )


@access(ACCOUNT_ADMIN)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(actor=request.user, **data)
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("账号已创建。"))
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@access(ACCOUNT_ADMIN)
def user_edit(request, pk: int):
    target = selectors.user_get_for(request.user, pk, staff_only=True)
    initial = {
        "full_name": target.full_name,
        "department": target.department_id,
        "position": target.position,
        "email": target.email,
        "roles": sorted(target.role_codes),
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_edit(
                actor=request.user,
                user_id=target.pk,
                full_name=data["full_name"],
                department=data["department"],
                position=data["position"],
                email=data["email"],
                roles=data["roles"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("账号已保存。"))
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target, "creating": False})


@access(ACCOUNT_ADMIN)
def user_toggle_active(request, pk: int):
    """Deactivate (or reactivate) an account: a page that asks for the reason, then confirms."""
    target = selectors.user_get_for(request.user, pk)
    form = UserActiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_active(
                actor=request.user,
                user_id=target.pk,
                active=not target.is_active,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                (_("账号 %(u)s 已停用。") if target.is_active else _("账号 %(u)s 已重新启用。"))
                % {"u": target.username},
            )
            return redirect("accounts:user_list")
    return render(request, "accounts/user_active.html", {"form": form, "target": target})


@require_POST
@access(ACCOUNT_ADMIN)
def user_unlock(request, pk: int):
    target = selectors.user_get_for(request.user, pk)
    try:
        services.user_unlock(actor=request.user, user_id=target.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("账号 %(u)s 已解除锁定。") % {"u": target.username})
    return redirect("accounts:user_list")


@require_POST
@access(ACCOUNT_ADMIN)
def user_reset_password(request, pk: int):
    target = selectors.user_get_for(request.user, pk)
    temporary = services.user_reset_password(actor=request.user, user_id=target.pk)
    messages.info(
        request,
        _("%(name)s 的临时密码：%(pw)s（仅显示一次，首次登录须修改）")
        % {"name": target.full_name, "pw": temporary},
    )
    return redirect("accounts:user_list")
