"""The web login page and the admin in a real browser."""
import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_admin_signs_in_through_the_admin_login(page, snap, live_server, admin_user):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "root@example.com")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    snap("admin-home")
    assert "Site administration" in page.content()
    assert page.locator("a[href='/admin/accounts/user/']").count() >= 1


def test_user_signs_in_on_the_web_login_page_and_sees_their_scopes(page, snap, live_server, user):
    page.goto(f"{live_server.url}/accounts/login")
    snap("login-page")
    assert page.get_attribute("#id_username", "autocomplete") == "username"
    page.fill("#id_username", user.email)
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text().startswith("Your email and password didn't match")
    page.fill("#id_username", user.email)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/")
    snap("account")
    assert "read:orders" in page.content()
    # Signing out is a POST behind a confirmation, never a GET link.
    page.goto(f"{live_server.url}/accounts/logout")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/login")
