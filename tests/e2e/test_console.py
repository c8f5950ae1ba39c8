"""The console in a real browser (Debian's headless Chromium, driven by Playwright), against
the whole system: the product article's admin walk from an empty organization to a
connected, configured channel; the agents' story, live; a Supervisor's reports. Every main
screen is checked with axe-core: no serious or critical violation.

`SB_CONSOLE_SCREENSHOTS=docs/console` writes the screenshots the README shows."""

import asyncio
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from switchboard_testing.organization import Org, unique
from switchboard_testing.system import System
from switchboard_twitter_sim.client import SimulatorClient
from switchboard_twitter_sim.control_models import SimUser

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("SB_CONSOLE_SCREENSHOTS")
LIVE_WAIT_MS = 10_000  # the wait, not the promise: the time taken is printed


def _chromium() -> str:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("no chromium: scripts/browser.sh installs it (make test runs it)")
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: scripts/browser.sh installs it")
    return executable


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = _chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        yield launched
        await launched.close()


async def person(browser: Browser, system: System) -> BrowserContext:
    # The console forbids inline scripts (CSP); axe is injected as one, so the test
    # context lifts the policy for itself.
    context = await browser.new_context(
        base_url=system.console.base_url, bypass_csp=True, viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(15_000)
    return context


async def sign_in(page: Page, org_id: uuid.UUID | str, user_id: uuid.UUID | str, role: str) -> None:
    """Through the identity provider (OpenID Connect; here access-svc's development issuer,
    whose page takes what an identity provider would assert)."""
    await page.goto("/signin")
    await page.get_by_role("link", name="Sign in with your identity provider").click()
    await expect(page.get_by_role("heading", name="Development identity provider")).to_be_visible()
    await page.get_by_label("Organization id").fill(str(org_id))
    await page.get_by_label("User id").fill(str(user_id))
    await page.get_by_label("Role").select_option(role)
    await page.get_by_role("button", name="Sign in").click()


async def accessible(page: Page, name: str) -> None:
    """axe-core on the page as it is: no serious or critical violation. And a screenshot."""
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {json.dumps(bad, indent=1)}"
    if SCREENSHOTS:
        folder = ROOT / SCREENSHOTS
        folder.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


async def test_the_admin_walk_from_an_empty_organization_to_a_configured_channel(
    browser: Browser, system: System
) -> None:
    async with SimulatorClient(system.twitter.base_url) as sim:
        brand = await sim.create_user(unique("brand"))
        context = await person(browser, system)
        page = await context.new_page()
        org_id = uuid.uuid4()
        await sign_in(page, org_id, uuid.uuid4(), "admin")
        # An organization with no admin on record: the founder creates the first one.
        await expect(page.get_by_role("heading", name="Set up your organization")).to_be_visible()
        await accessible(page, "setup")
        await page.get_by_label("Your name").fill("Ada Admin")
        await page.get_by_label("Email").fill(f"ada-{uuid.uuid4().hex[:6]}@example.com")
        await page.get_by_role("button", name="Create admin account").click()
        # Then signed in again as the admin on record (the provider's form is filled for it).
        await expect(page.get_by_label("Organization id")).to_have_value(str(org_id))
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Channels")).to_be_visible()
        await expect(page.get_by_text("No channel yet.")).to_be_visible()

        channel_url = await _connect_and_configure(page, sim, brand)
        await _people(page)
        await _access(page, channel_url)
        # The channel is listed with its name and Twitter URL.
        await page.get_by_role("link", name="Channels", exact=True).click()
        row = page.locator("tr[data-channel]", has_text="Acme Care")
        await expect(row.get_by_role("link", name=brand.screen_name)).to_have_attribute(
            "href", re.compile(f"/{brand.screen_name}$")
        )
        await accessible(page, "channels")
        await context.close()


async def _connect_and_configure(page: Page, sim: SimulatorClient, brand: SimUser) -> str:
    # Settings > Channels > Add Channel > Twitter > Authorize app, approved as the brand.
    await sim.script_authorization(approve_as=brand)
    await page.get_by_role("button", name="Authorize app").click()
    await expect(page.get_by_text(f"Connected @{brand.screen_name}.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Edit channel")).to_be_visible()

    # Edit Channel: display name, auto-ownership, auto-resolve per queue.
    await page.get_by_label("Display name").fill("Acme Care")
    await page.get_by_label("Auto-ownership").check()
    await page.get_by_label("New after (days)").fill("2")
    await page.get_by_label("Pending after (days)").fill("5")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Saved.")).to_be_visible()
    await expect(page.get_by_label("Display name")).to_have_value("Acme Care")
    await expect(page.get_by_label("Auto-ownership")).to_be_checked()
    await expect(page.get_by_label("New after (days)")).to_have_value("2")
    return page.url


async def _people(page: Page) -> None:
    # Users and teams: an agent in the Care team, another on their own.
    await page.get_by_role("link", name="Users", exact=True).click()
    for name in ("Carl Contributor", "Vera Viewer"):
        await page.get_by_label("Name", exact=True).fill(name)
        await page.get_by_label("Email").fill(f"{uuid.uuid4().hex[:8]}@example.com")
        await page.get_by_role("button", name="Add user").click()
        await expect(page.get_by_text("User added.")).to_be_visible()
    await expect(page.get_by_role("cell", name="Vera Viewer", exact=True)).to_be_visible()
    await accessible(page, "users")
    await page.get_by_role("link", name="Teams", exact=True).click()
    await page.get_by_label("Team name").fill("Care")
    await page.get_by_role("button", name="Add team").click()
    team = page.locator("section[data-team]", has_text="Care")
    await team.get_by_label("Add a member").select_option(label="Carl Contributor")
    await team.get_by_role("button", name="Add", exact=True).click()
    await expect(page.get_by_text("Member added.")).to_be_visible()
    await accessible(page, "teams")


async def _access(page: Page, channel_url: str) -> None:
    # Team access with a role, a user's own grant, and All Users.
    await page.goto(channel_url)
    team_grant = page.locator("form", has=page.get_by_label("Give a team access"))
    await team_grant.get_by_label("Give a team access").select_option(label="Care")
    await team_grant.get_by_label("Role").select_option("contributor")
    await team_grant.get_by_role("button", name="Grant").click()
    await expect(page.get_by_text("Access updated.")).to_be_visible()
    user_grant = page.locator("form", has=page.get_by_label("Give a user access"))
    picker = user_grant.get_by_label("Give a user access")
    options = await picker.locator("option").all_inner_texts()
    await picker.select_option(index=next(i for i, o in enumerate(options) if "Vera" in o))
    await user_grant.get_by_label("Role").select_option("viewer")
    await user_grant.get_by_role("button", name="Grant").click()
    await expect(page.get_by_text("Access updated.")).to_be_visible()
    await page.get_by_label("All Users").select_option("viewer")
    await (
        page.locator("form", has=page.get_by_label("All Users"))
        .get_by_role("button", name="Set")
        .click()
    )
    await expect(page.get_by_text("Access updated.")).to_be_visible()
    await expect(page.get_by_label("All Users")).to_have_value("viewer")
    teams = page.locator("table", has=page.get_by_role("columnheader", name="Team"))
    await expect(teams.get_by_role("cell", name="Care", exact=True)).to_be_visible()
    await accessible(page, "channel-edit")


async def test_the_agents_story_live_in_the_browser(browser: Browser, system: System) -> None:  # noqa: PLR0915 - one story, told in order
    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        staffed = await org.staffed_channel(sim, agent="Carl")
        await org.edit_channel(staffed.channel_id, {"auto_ownership": True})
        viewer_id, _ = await org.agent("Vera")
        await org.grant(staffed.channel_id, viewer_id, "viewer")
        carl_context, vera_context = await person(browser, system), await person(browser, system)
        carl, vera = await carl_context.new_page(), await vera_context.new_page()
        await sign_in(carl, org.id, staffed.agent_id, "agent")
        await sign_in(vera, org.id, viewer_id, "agent")
        await carl.goto(f"/inbox?channel={staffed.channel_id}&queue=new")
        await expect(carl.get_by_text("Nothing in this queue.")).to_be_visible()
        await carl.wait_for_function("document.body.dataset.liveOpen === 'yes'")
        await carl.evaluate("window.notReloaded = true")
        await accessible(carl, "inbox-empty")

        # A customer tweets: the conversation appears in New without a reload.
        jane = await sim.create_user(unique("jane"))
        started = time.monotonic()
        await sim.mention(jane, staffed.brand, "my parcel never came")
        item = carl.locator("li[data-conversation]", has_text=f"@{jane.screen_name}")
        await expect(item).to_be_visible(timeout=LIVE_WAIT_MS)
        print(f"live: in the open queue {time.monotonic() - started:.2f} s after the tweet")  # noqa: T201
        assert await carl.evaluate("window.notReloaded === true")
        await accessible(carl, "inbox")

        # A Viewer reads it but has no reply box.
        await vera.goto(f"/inbox?channel={staffed.channel_id}&queue=new")
        # The page and its live part digest what they show alike, so a reload that would
        # change nothing (the one on connecting, say) is not swapped in under her click.
        part = await vera.request.get(f"/inbox/list?channel={staffed.channel_id}&queue=new")
        shown = await vera.locator("#queue").get_attribute("data-live-digest")
        assert part.headers["x-live-digest"] == shown, (part.headers, shown)
        await vera.locator("li[data-conversation]", has_text=jane.screen_name).click()
        await expect(vera.get_by_role("heading", name=f"@{jane.screen_name}")).to_be_visible()
        await expect(vera.get_by_label(f"Reply to @{jane.screen_name}")).to_have_count(0)
        await expect(vera.get_by_role("button", name="Take it")).to_have_count(0)

        # The Contributor replies (then Pending) and owns it; the simulator got the send.
        await item.click()
        await accessible(carl, "conversation")
        await carl.get_by_label(f"Reply to @{jane.screen_name}").fill("So sorry! Checking now.")
        await carl.get_by_label("Then").select_option("pending")
        form = carl.locator("form[aria-label='Reply']")
        filled: dict[str, str | float | bool] = {
            name: await form.locator(f"[name={name}]").input_value()
            for name in ("csrf", "reply_key", "text", "then")
        }
        await carl.get_by_role("button", name="Send reply").click()
        await expect(carl.locator("#status")).to_have_text("pending")
        await expect(carl.locator("#owner")).to_have_text("you")
        await expect(carl.locator("[data-delivery='sent']")).to_have_count(1, timeout=LIVE_WAIT_MS)
        sent = await sim.sent(staffed.brand)
        assert any("So sorry! Checking now." in t.text for t in sent.tweets), sent

        # The same form sent again (a double click, the browser resending it) makes no
        # second reply: the form carries its own Idempotency-Key.
        again = await carl.request.post(f"{carl.url.split('?')[0]}/reply", form=filled)
        assert again.ok, await again.text()
        await carl.reload()
        await expect(carl.locator("[data-delivery]")).to_have_count(1)

        # The customer answers while Carl is typing: back to New, on the open page, without
        # a reload, and his half-written reply is still in the box, still focused.
        await carl.evaluate("window.notReloaded = true")
        draft = carl.get_by_label(f"Reply to @{jane.screen_name}")
        await draft.fill("Half-written: let me")
        mine = next(t for t in sent.tweets if "So sorry! Checking now." in t.text)
        await sim.reply(jane, mine.id, "thanks, it is order 1234")
        await expect(carl.locator("#status")).to_have_text("new", timeout=LIVE_WAIT_MS)
        await expect(carl.get_by_text("thanks, it is order 1234")).to_be_visible()
        assert await carl.evaluate("window.notReloaded === true")
        await expect(draft).to_have_value("Half-written: let me")
        await expect(draft).to_be_focused()

        # Resolving removes the owner.
        await carl.get_by_role("button", name="Resolve").click()
        await expect(carl.locator("#status")).to_have_text("resolved")
        await expect(carl.locator("#owner")).to_have_text("nobody")
        for context in (carl_context, vera_context):
            await context.close()


async def test_a_supervisor_reads_the_reports_a_contributor_cannot(
    browser: Browser, system: System
) -> None:
    async with Org(system) as org, SimulatorClient(system.twitter.base_url) as sim:
        staffed = await org.staffed_channel(sim, agent="Sue", role="supervisor")
        contributor_id, _ = await org.agent("Carl")
        await org.grant(staffed.channel_id, contributor_id, "contributor")
        customers = [await sim.create_user(unique("cust")) for _ in range(3)]
        await asyncio.gather(*(sim.mention(c, staffed.brand, "hello?") for c in customers))
        for customer in customers:
            await org.conversation_of(staffed.channel_id, customer, org.admin)
        sue_context, carl_context = await person(browser, system), await person(browser, system)
        sue, carl = await sue_context.new_page(), await carl_context.new_page()
        await sign_in(sue, org.id, staffed.agent_id, "agent")
        await sue.goto(f"/inbox?channel={staffed.channel_id}")
        await sue.get_by_role("link", name="Reports").click()
        await expect(sue.get_by_role("heading", name="Reports")).to_be_visible()
        await expect(sue.locator("[data-figure='created']")).to_have_text("3")
        await expect(sue.get_by_role("img", name="Created: 3")).to_be_visible()
        await accessible(sue, "reports")
        await sign_in(carl, org.id, contributor_id, "agent")
        refused = await carl.goto(f"/channels/{staffed.channel_id}/reports")
        assert refused is not None
        assert refused.status == 403
        await expect(carl.get_by_text("view_reports")).to_be_visible()
        for context in (sue_context, carl_context):
            await context.close()
