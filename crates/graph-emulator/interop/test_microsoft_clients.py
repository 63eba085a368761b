"""Microsoft's own clients against the local tenant, over HTTPS, unchanged:
MSAL for Python signs in (authorization code with PKCE, device code, silent
refresh), and the Microsoft Graph SDK for Python pages users, filters by
product, unassigns a license and sends a batch."""

import asyncio
import os
import subprocess
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import httpx
import msal
import pytest
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.assign_license.assign_license_post_request_body import (
    AssignLicensePostRequestBody,
)
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph_core import GraphClientFactory
from msgraph_core.requests.batch_request_builder import BatchRequestBuilder
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.tasks.page_iterator import PageIterator

ROOT = Path(__file__).resolve().parents[3]
EMULATOR = os.environ.get("GRAPH_EMULATOR_BIN", str(ROOT / "target" / "debug" / "graph-emulator"))
PUBLIC_CLIENT = "5d7c3a1e-9b4f-4c1a-8e2d-4c1e0b7a9f31"
ADMIN = "admin@northwindtraders.example"
BUSINESS_PREMIUM = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
SCOPES = ["User.Read.All", "LicenseAssignment.ReadWrite.All", "Organization.Read.All"]


@pytest.fixture(scope="module")
def tenant(tmp_path_factory):
    ca = tmp_path_factory.mktemp("tls") / "ca.pem"
    process = subprocess.Popen(
        [EMULATOR, "--tls", str(ca), "--approve", ADMIN, "--seed", "3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    base = process.stdout.readline().strip()
    assert base.startswith("https://127.0.0.1:"), base
    # requests (under MSAL) lets this variable override its verify setting.
    previous = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = str(ca)
    yield base, str(ca)
    if previous is None:
        os.environ.pop("REQUESTS_CA_BUNDLE", None)
    else:
        os.environ["REQUESTS_CA_BUNDLE"] = previous
    process.terminate()
    process.wait(timeout=10)


def msal_app(base, ca):
    return msal.PublicClientApplication(
        PUBLIC_CLIENT, authority=f"{base}/organizations", instance_discovery=False, verify=ca
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def follow_sign_in(auth_uri, ca):
    """What the system browser does: open the sign-in page, come back to the
    loopback redirect with the code."""
    import ssl

    opener = urllib.request.build_opener(
        NoRedirect, urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca))
    )
    try:
        opener.open(auth_uri)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
        location = redirect.headers["Location"]
        return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query))
    raise AssertionError("the authorize endpoint did not redirect")


def sign_in(base, ca):
    app = msal_app(base, ca)
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri="http://localhost:8400")
    assert "code_challenge=" in flow["auth_uri"]
    result = app.acquire_token_by_auth_code_flow(flow, follow_sign_in(flow["auth_uri"], ca))
    assert "access_token" in result, result
    return app, result


def test_msal_signs_in_with_pkce_and_refreshes_silently(tenant):
    base, ca = tenant
    app, result = sign_in(base, ca)
    assert result["id_token_claims"]["preferred_username"] == ADMIN
    assert "refresh_token" in result
    accounts = app.get_accounts()
    assert [a["username"] for a in accounts] == [ADMIN]
    refreshed = app.acquire_token_silent(SCOPES, account=accounts[0], force_refresh=True)
    assert refreshed and "access_token" in refreshed, refreshed
    assert refreshed["access_token"] != result["access_token"]


def test_msal_device_code_flow(tenant):
    base, ca = tenant
    app = msal_app(base, ca)
    flow = app.initiate_device_flow(scopes=SCOPES)
    assert flow["user_code"] in flow["message"]
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result


class MsalTokens(AccessTokenProvider):
    def __init__(self, token):
        self.token = token

    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return self.token

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


def graph_client(base, ca, token):
    http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient(verify=ca))
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(MsalTokens(token)), client=http)
    adapter.base_url = f"{base}/v1.0"
    return GraphServiceClient(request_adapter=adapter), adapter


def users_query(**parameters):
    return RequestConfiguration(query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(**parameters))


async def consumed(client, part_number):
    skus = await client.subscribed_skus.get()
    return next(s.consumed_units for s in skus.value if s.sku_part_number == part_number)


def test_graph_sdk_pages_filters_unassigns_and_batches(tenant):
    base, ca = tenant
    _, result = sign_in(base, ca)
    client, adapter = graph_client(base, ca, result["access_token"])

    async def scenario():
        # Page through everyone, 40 at a time, with the SDK's page iterator.
        first = await client.users.get(users_query(select=["id", "displayName", "assignedLicenses"], top=40))
        everyone = []
        iterator = PageIterator(first, adapter)
        await iterator.iterate(lambda user: everyone.append(user) or True)
        assert len(everyone) == 150
        assert len({u.id for u in everyone}) == 150

        # Holders of one product, by filter; they match the product's seat count.
        holders = await client.users.get(
            users_query(
                filter=f"assignedLicenses/any(x:x/skuId eq {BUSINESS_PREMIUM})",
                select=["id", "userPrincipalName", "licenseAssignmentStates"],
                top=999,
            )
        )
        before = await consumed(client, "SPB")
        assert len(holders.value) == before
        direct = [
            u
            for u in holders.value
            if any(
                str(s.sku_id) == BUSINESS_PREMIUM and s.assigned_by_group is None
                for s in u.license_assignment_states
            )
        ]

        # Unassign one, through the SDK's own request body.
        body = AssignLicensePostRequestBody(add_licenses=[], remove_licenses=[uuid.UUID(BUSINESS_PREMIUM)])
        changed = await client.users.by_user_id(direct[0].id).assign_license.post(body)
        assert changed.user_principal_name == direct[0].user_principal_name
        assert await consumed(client, "SPB") == before - 1
        with pytest.raises(ODataError) as refused:
            await client.users.by_user_id(direct[0].id).assign_license.post(body)
        assert refused.value.error.code == "Request_BadRequest"
        assert refused.value.error.message == "User does not have a corresponding license."

        # Three more in one batch.
        batch = BatchRequestContent()
        for user in direct[1:4]:
            batch.add_request_information(
                client.users.by_user_id(user.id).assign_license.to_post_request_information(body)
            )
        answers = await BatchRequestBuilder(adapter).post(batch)
        assert sorted(answers.get_response_status_codes().values()) == [200, 200, 200]
        assert await consumed(client, "SPB") == before - 4

    asyncio.run(scenario())
