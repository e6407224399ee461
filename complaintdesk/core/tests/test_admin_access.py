import pytest
from django.test import Client

from complaintdesk.core.testing.factories import complaint_make

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_administrator_opens_the_configuration(administrator):
    assert logged_in(administrator).get("/admin/").status_code == 200
    assert logged_in(administrator).get("/admin/accounts/department/").status_code == 200


@pytest.mark.parametrize("persona", ["agent", "handler", "supervisor", "auditor", "analyst"])
def test_other_roles_are_kept_out_of_the_admin(persona, request):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even a staff flag set by mistake does not open it
    user.save()
    response = logged_in(user).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_complaints_are_read_only_in_the_admin(administrator, agent):
    complaint = complaint_make(actor=agent)
    client = logged_in(administrator)
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert page.status_code == 200
    client.post(f"/admin/complaints/complaint/{complaint.pk}/change/", {"status": "closed"})
    complaint.refresh_from_db()
    assert complaint.status == "registered"
    assert client.get("/admin/complaints/complaint/add/").status_code == 403
