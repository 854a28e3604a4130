from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from center.core.forms import BootstrapMixin

from .enums import Role
from .models import Department, User


class LoginForm(BootstrapMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OtpForm(BootstrapMixin, forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("请输入 6 位数字验证码。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(
        label=_("原密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


def _department(user, language: str) -> str:
    return user.department.display_name(language) if user.department_id else ""


class DelegationForm(BootstrapMixin, forms.Form):
    delegate = forms.ModelChoiceField(label=_("受托人"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=pgettext_lazy("delegation", "事由"), max_length=200)

    def __init__(self, *args, actor, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["delegate"]
        field.queryset = User.objects.filter(pk__in=[c.pk for c in candidates])
        language = get_language()
        field.choices = [("", "---------")] + [
            (c.pk, " · ".join(filter(None, [c.full_name, _department(c, language), c.position])))
            for c in candidates
        ]
        field.help_text = _(
            "只列出可以接受您审批权限的人：同级或更高层级（部门负责人可委托给其他部门负责人、副部长或单位领导，"
            "不能委托给普通职工），财务审核只能委托给财务审核人员；系统管理员、审计员和出纳为不相容岗位，不在其列。"
        )


class ApiTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=50)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=365, initial=90)


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[a-zA-Z0-9_.-]{3,30}$",
        error_messages={"invalid": _("用户名须为 3–30 位字母、数字或 _ . -")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.all())
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class UserEditForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.all())
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )


class UserActiveForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("原因记入审计日志（例如：离职、借调结束、专家退出专家库）。"),
    )


class SignupForm(BootstrapMixin, forms.Form):
    full_name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        help_text=_("用于登录和接收验证链接。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少 10 位，包含小写字母、大写字母、数字、符号中的至少 3 类。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("我同意中心为专家入库和评审工作处理我的个人信息（见本页说明）。"),
        error_messages={"required": _("请阅读并同意个人信息处理说明。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class PasswordResetRequestForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label=_("电子邮箱"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class SetPasswordForm(BootstrapMixin, forms.Form):
    """The new password from a set-password link (the service validates it against the password rules)."""

    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        help_text=_("至少 10 位，包含小写字母、大写字母、数字、符号中的至少 3 类。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data
