"""The console in a real browser: headless Chromium driven by Selenium, axe on every page.

Run by ConsoleBrowserTests (Tests/KoppelingCLITests) against a `koppeling serve` it started on a
demo register with one user per role to enrol and a person whose timeline has a retracted event:

    console_browser.py --base URL --setup setup.json --screenshots DIR

setup.json: {"users": {"NAME": {"link": URL, "roles": [...]}}, "insz": "85073003328",
"retracted": EVENT-ID, "idleSeconds": N}. With --part idle, only the idle session's ending, for
the first user, against a server with a short idle limit. Prints one line per scenario; exits 1 on the first
failure, with what was expected and what the page showed.
"""

import argparse
import base64
import json
import os
import re
import sqlite3
import sys
import tempfile
import time
import shutil
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import pyotp
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "een lang genoeg wachtwoord 2026"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Console:
    """One browser (its own profile, so its own history) signed in as one user."""

    def __init__(self, base, screenshots, label):
        self.base = base
        self.screenshots = screenshots
        self.label = label
        self.profile = tempfile.mkdtemp(prefix="koppeling-chromium-")
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                         f"--user-data-dir={self.profile}", "--lang=nl-BE"]:
            options.add_argument(argument)
        options.binary_location = os.environ.get("KOPPELING_CHROMIUM", "/usr/bin/chromium")
        service = Service(os.environ.get("KOPPELING_CHROMEDRIVER", "/usr/bin/chromedriver"))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.pages = 0

    def open(self, path):
        self.driver.get(self.base + path)

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name):
        self.pages += 1
        path = os.path.join(self.screenshots, f"{self.label}-{self.pages:02d}-{name}.png")
        self.driver.save_screenshot(path)
        return path

    def axe(self, name):
        """No violation of impact serious or critical on the page (WCAG 2.1 AA rules and best practices)."""
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        check(not bad, f"{self.label} {name}: axe found {[(v['id'], v['impact'], v['nodes'][0]['html']) for v in bad]}")

    def visit(self, name):
        """Screenshot and accessibility check of the page now shown; no template value leaked as `nil`."""
        self.shot(name)
        self.axe(name)
        check(not re.search(r"\bnil\b", self.text()), f"{self.label} {name}: the page shows 'nil': {self.text()[:300]!r}")

    def fill(self, field, value):
        element = self.driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)

    def click(self, element):
        """Clicks and waits until the next page has replaced this one."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def replaced(_):
            # Chromium answers a node of a page it has left either as stale or, in a race, with
            # "does not belong to the document": both mean the next page is there.
            try:
                page.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 10).until(replaced)

    def submit(self):
        self.click(self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))

    def enrol(self, link):
        # The link names the server's public address; this one runs on a test port.
        parts = urllib.parse.urlsplit(link)
        self.driver.get(f"{self.base}{parts.path}?{parts.query}")
        check(self.heading() == "Inschrijven", f"{self.label}: the enrolment page, got {self.heading()!r}")
        self.visit("inschrijven")
        secret = self.driver.find_element(By.ID, "sleutel").text
        totp = pyotp.TOTP(secret)
        self.fill("wachtwoord", PASSWORD)
        self.fill("herhaling", PASSWORD)
        self.fill("code", totp.now())
        self.submit()
        check("U bent ingeschreven" in self.text(), f"{self.label}: enrolled, got {self.text()[:300]!r}")
        return totp

    def sign_in(self, name, totp, step_offset=30):
        # The enrolment spent this step's code: a code is good once, so sign in with the next
        # step's, which the server accepts for clock drift.
        self.open("/console/aanmelden")
        self.visit("aanmelden")
        self.fill("naam", name)
        self.fill("wachtwoord", PASSWORD)
        self.fill("code", totp.at(time.time() + step_offset))
        self.submit()
        check(self.heading() == "Startpagina", f"{self.label}: signed in, got {self.heading()!r}: {self.text()[:300]!r}")

    def menu(self):
        return [a.text for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a")]

    def history(self):
        """Every address the browser's own history holds (read from its profile after it quit)."""
        self.driver.quit()
        database = os.path.join(self.profile, "Default", "History")
        for _ in range(50):
            if os.path.exists(database):
                break
            time.sleep(0.1)
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return [row[0] for row in connection.execute("SELECT url FROM urls")]
        finally:
            connection.close()


def sign(key_file, message):
    """Ed25519 over message with a key file of `koppeling keys generate` (base64 of the raw 32
    bytes), as a DPO or controller does offline; the signature and public key, base64."""
    with open(key_file) as file:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(file.read().strip()))
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(key.sign(message)).decode(), base64.b64encode(public).decode()


def protocols(setup, consoles, scenario):
    """The protocol workflow from draft to published, through the browser."""
    admin = consoles[setup["protocolAdmin"]]
    dpo = consoles[setup["dpo"]]
    identifier, version = setup["protocolId"], setup["newVersion"]
    admin.open("/console/protocollen")
    admin.visit("protocollen")
    rows = admin.driver.find_elements(By.CSS_SELECTOR, f"#versies tr[data-id='{identifier}']")
    check(any(row.get_attribute("data-status") == "published" for row in rows), "the demo's version is listed as published")
    with open(setup["document"]) as file:
        document = file.read()
    # Typing a whole document key by key takes long; the field gets the text as a paste would.
    admin.driver.execute_script("arguments[0].value = arguments[1]", admin.driver.find_element(By.ID, "document"), document)
    admin.submit()
    check(admin.driver.find_element(By.ID, "status").get_attribute("data-code") == "in_review",
          f"the new version is in review: {admin.text()[:300]!r}")
    check(not admin.driver.find_elements(By.ID, "advies"), "a protocol administrator is not offered the DPO's advice")
    admin.visit("protocol-ingediend")
    scenario("a protocol administrator submits a new version; it waits for the DPOs' advice")

    page = f"/console/protocollen/versie?id={identifier}&versie={version}"
    for party in setup["parties"]:
        dpo.open(page)
        check(not dpo.driver.find_elements(By.ID, "bekendmaken"), "a DPO is not offered publication")
        Select(dpo.driver.find_element(By.ID, "advies-partij")).select_by_value(party)
        dpo.fill("tekst", f"Gunstig advies van de DPO van {party}: de velden blijven beperkt tot wat het doel vraagt.")
        dpo.click(dpo.driver.find_element(By.CSS_SELECTOR, "#advies button"))
        statement = base64.b64decode(dpo.driver.find_element(By.ID, "verklaring").get_attribute("value"))
        check(json.loads(statement)["party"] == party, f"the statement is the advice of {party}")
        signature, public = sign(os.path.join(setup["keys"], f"{party}-dpo.key"), statement)
        dpo.fill("advies-sleutel", public)
        dpo.fill("advies-handtekening", signature)
        if party == setup["parties"][0]:
            dpo.visit("advies-ondertekenen")
        dpo.click(dpo.driver.find_element(By.CSS_SELECTOR, "#ondertekend-advies button"))
        check("Het advies is geregistreerd" in dpo.text(), f"the advice of {party} is recorded: {dpo.text()[:400]!r}")
    check(dpo.driver.find_element(By.ID, "status").get_attribute("data-code") == "advised", "advised by both DPOs")
    scenario("each party's DPO advises, signing the statement the console shows with their own key")

    admin.open(page)
    digest = bytes.fromhex(admin.driver.find_element(By.ID, "vingerafdruk").text)
    for party in setup["parties"]:
        signature, public = sign(os.path.join(setup["keys"], f"{party}.key"), digest)
        Select(admin.driver.find_element(By.ID, "onderteken-partij")).select_by_value(party)
        admin.fill("onderteken-sleutel", public)
        admin.fill("onderteken-handtekening", signature)
        admin.click(admin.driver.find_element(By.CSS_SELECTOR, "#ondertekenen button"))
        check("De handtekening is geregistreerd" in admin.text(), f"the signature of {party}: {admin.text()[:400]!r}")
    check(admin.driver.find_element(By.ID, "status").get_attribute("data-code") == "signed", "signed by both parties")
    admin.click(admin.driver.find_element(By.CSS_SELECTOR, "#bekendmaken button"))
    check(admin.driver.find_element(By.ID, "status").get_attribute("data-code") == "published", f"published: {admin.text()[:300]!r}")
    admin.visit("protocol-bekendgemaakt")
    admin.open("/console/protocollen")
    statuses = {row.get_attribute("data-versie"): row.get_attribute("data-status")
                for row in admin.driver.find_elements(By.CSS_SELECTOR, f"#versies tr[data-id='{identifier}']")}
    check(statuses.get(str(version)) == "published" and statuses.get(str(version - 1)) == "superseded",
          f"the new version is published and the former one superseded: {statuses}")
    scenario("the controllers' signatures are registered and the version is published; the former one is superseded")

    admin.open(page)
    admin.click(admin.driver.find_element(By.PARTIAL_LINK_TEXT, f"Verschil met versie {version - 1}"))
    removed = [line.text for line in admin.driver.find_elements(By.CSS_SELECTOR, "#verschil li.weg")]
    added = [line.text for line in admin.driver.find_elements(By.CSS_SELECTOR, "#verschil li.nieuw")]
    check(any(setup["changedFrom"] in line for line in removed) and any(setup["changedTo"] in line for line in added),
          f"the difference shows the changed retention: removed {removed}, added {added}")
    admin.visit("protocol-verschil")
    scenario("the difference between the two versions shows the changed line")


def run(browsers, body):
    """Runs the scenarios in `body`; on a failure, a screenshot of every browser and exit 1; in
    any case every browser quits and its profile goes."""
    try:
        body()
    except Failure as failure:
        for console in browsers:
            try:
                console.shot("failure")
            except Exception:
                pass
        print(f"FAILED: {failure}", flush=True)
        sys.exit(1)
    finally:
        for console in browsers:
            try:
                console.driver.quit()
            except Exception:
                pass
            shutil.rmtree(console.profile, ignore_errors=True)


def number_forms(insz):
    formatted = f"{insz[0:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:11]}"
    return [insz, formatted, urllib.parse.quote(formatted), urllib.parse.quote_plus(formatted)]

def worklist(setup, consoles, scenario):
    """ABB's work list: queues with masked persons, a fine recorded on the person page, and a
    fine above the approval amount that waits for a second officer."""
    first, second = setup["officers"]
    officer = consoles[first]
    officer.open("/console/handhaving")
    check(officer.heading() == "Handhaving", f"the work list, got {officer.heading()!r}")
    officer.visit("handhaving")
    rows = officer.driver.find_elements(By.CSS_SELECTOR, "#werklijst tbody tr")
    overdue = setup["overdue"]
    masked = overdue[:2] + ".••.••-•••." + overdue[9:]
    check(any(masked in row.text for row in rows), f"the overdue person is listed, masked: {[row.text for row in rows]}")
    source = officer.driver.page_source
    check(all(number not in source for number in [overdue] + setup["infringed"]), "no full national number on the list")
    scenario("an overdue person appears in the queue of persons not registered in time, masked")

    officer.click(officer.driver.find_element(By.LINK_TEXT, "Open inbreuken"))
    Select(officer.driver.find_element(By.ID, "soort")).select_by_value("late_registration")
    officer.submit()
    officer.visit("handhaving-inbreuken")
    rows = officer.driver.find_elements(By.CSS_SELECTOR, "#werklijst tbody tr")
    listed = [row for row in rows if "INB-T1" in row.text or "INB-T2" in row.text]
    check(len(listed) == 2, f"both open infringements are listed: {[row.text for row in rows]}")
    check(all("15 oktober 2026" in row.text for row in listed), "with the notice of default's date")
    Select(officer.driver.find_element(By.ID, "soort")).select_by_value("refused_contract")
    officer.submit()
    check(not [row for row in officer.driver.find_elements(By.CSS_SELECTOR, "#werklijst tbody tr") if "INB-T" in row.text],
          "a filter on another kind leaves them out")
    scenario("the open infringements are listed with their notice of default; a filter on the kind narrows the queue")

    def open_person(infringement):
        officer.open("/console/handhaving?wachtrij=open_infringements")
        row = next(row for row in officer.driver.find_elements(By.CSS_SELECTOR, "#werklijst tbody tr") if infringement in row.text)
        officer.click(row.find_element(By.LINK_TEXT, "Openen"))
        check(officer.driver.find_element(By.ID, "status").get_attribute("data-code") == "infringement_pending",
              f"the person's status is infringement_pending: {officer.text()[:200]!r}")

    def decide(infringement, amount):
        officer.driver.find_element(By.ID, f"inbreuk-{infringement}").click()
        officer.driver.find_element(By.ID, "b-fine").click()
        officer.fill("bedrag", str(amount))
        officer.click(officer.driver.find_element(By.CSS_SELECTOR, "#beslissing button"))

    open_person("INB-T1")
    officer.visit("persoon-beslissing")
    decide("INB-T1", 400)
    check("opgeslagen" in officer.text(), f"the decision is stored: {officer.text()[:300]!r}")
    check(officer.driver.find_element(By.ID, "status").get_attribute("data-code") == "non_compliant_fined",
          "the status is non_compliant_fined at once")
    officer.visit("persoon-beboet")
    scenario("an officer records a fine on the person page; the status becomes non_compliant_fined at once")

    open_person("INB-T2")
    decide("INB-T2", 3000)
    check("wacht op de goedkeuring" in officer.text(), f"the fine waits: {officer.text()[:300]!r}")
    check(officer.driver.find_element(By.ID, "status").get_attribute("data-code") == "infringement_pending",
          "nothing is stored before the approval")
    officer.open("/console/handhaving")
    row = officer.driver.find_element(By.CSS_SELECTOR, "#goedkeuringen tbody tr")
    check("INB-T2" in row.text and "3.000" in row.text, f"the fine waits for approval: {row.text!r}")
    officer.click(row.find_element(By.CSS_SELECTOR, "button[value=goedkeuren]"))
    check("tweede ambtenaar" in officer.text(), f"the proposer cannot approve: {officer.text()[:300]!r}")
    colleague = consoles[second]
    colleague.open("/console/handhaving")
    colleague.visit("handhaving-goedkeuring")
    row = colleague.driver.find_element(By.CSS_SELECTOR, "#goedkeuringen tbody tr")
    colleague.click(row.find_element(By.CSS_SELECTOR, "button[value=goedkeuren]"))
    check("goedgekeurd en opgeslagen" in colleague.text(), f"the second officer approves: {colleague.text()[:300]!r}")
    check(not colleague.driver.find_elements(By.CSS_SELECTOR, "#goedkeuringen tbody tr"), "nothing waits any more")
    colleague.visit("handhaving-goedgekeurd")
    scenario("a fine above the approval amount waits; its proposer cannot approve it; a second officer does, and it is stored")

    export = officer.driver.find_element(By.ID, "export").get_attribute("href")
    check(export.startswith(officer.base + "/console/handhaving/export.csv?"), f"the export link: {export!r}")
    check(all(number not in export for number in [overdue] + setup["infringed"]), "no number in the export's address")
    scenario("the view exports as CSV from an address without any national number")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--setup", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--part", choices=["main", "idle", "protocols", "worklist"], default="main")
    arguments = parser.parse_args()
    with open(arguments.setup) as file:
        setup = json.load(file)
    os.makedirs(arguments.screenshots, exist_ok=True)
    base = arguments.base.rstrip("/")
    insz = setup.get("insz", "")
    browsers = []
    done = []

    def scenario(name):
        done.append(name)
        print(f"ok: {name}", flush=True)

    def scenarios():
        if arguments.part == "idle":
            # A session idle for longer than the server's (short) idle limit has ended.
            idle = setup["idleSeconds"]
            name, user = next(iter(setup["users"].items()))
            sleeper = Console(base, arguments.screenshots, name)
            browsers.append(sleeper)
            sleeper.sign_in(name, sleeper.enrol(user["link"]))
            sleeper.open("/console")
            check(sleeper.heading() == "Startpagina", "signed in before the wait")
            time.sleep(idle + 2)
            sleeper.open("/console")
            check(sleeper.heading() == "Aanmelden", f"after {idle + 2} s idle the session has ended: {sleeper.heading()!r}")
            scenario(f"a session idle for longer than {idle} s has ended: the console asks to sign in again")
            return
        if arguments.part in ("protocols", "worklist"):
            # Every user signs in, in a browser of their own; then the part's scenarios.
            consoles = {}
            for name, user in setup["users"].items():
                console = Console(base, arguments.screenshots, name)
                browsers.append(console)
                console.sign_in(name, console.enrol(user["link"]))
                consoles[name] = console
            (protocols if arguments.part == "protocols" else worklist)(setup, consoles, scenario)
            return
        # Each user enrols from the link and signs in with password and TOTP.
        signed_in = {}
        for name, user in setup["users"].items():
            console = Console(base, arguments.screenshots, name)
            browsers.append(console)
            totp = console.enrol(user["link"])
            console.sign_in(name, totp)
            console.visit("start")
            signed_in[name] = (console, totp, user["roles"])
        scenario("every user enrolled and signed in with password and TOTP; the start page passes axe")

        # Each role sees exactly its screens; another screen is a Dutch 403 page.
        expected = setup["screens"]
        for name, (console, _, roles) in signed_in.items():
            wanted = sorted({title for role in roles for title in expected.get(role, [])})
            check(sorted(console.menu()) == wanted, f"{name} ({roles}): menu {console.menu()} instead of {wanted}")
            for title, path in setup["screenPaths"].items():
                console.open(path)
                if title in wanted:
                    check(console.heading() == title, f"{name}: {path} shows {console.heading()!r}")
                else:
                    check(console.heading() == "Geen toegang", f"{name}: {path} should be refused, shows {console.heading()!r}")
                    check("vraag de rol dan aan de beheerder" in console.text(), f"{name}: the 403 page says what to do")
                    console.visit("geen-toegang")
        scenario("each role sees exactly its screens; any other screen is a Dutch page saying which role it needs")

        # The person search: number in the POST body only, result under an opaque handle.
        console, totp, _ = signed_in[setup["caseOfficer"]]
        console.open("/console/personen")
        console.visit("personen")
        console.fill("insz", "85.07.30-033.28" if insz == "85073003328" else insz)
        Select(console.driver.find_element(By.ID, "doel")).select_by_value("TRAJECTORY_GUIDANCE")
        console.fill("referentie", "DOS-2026-0042")
        console.submit()
        check(console.heading().startswith("Persoon "), f"the result page, got {console.heading()!r}: {console.text()[:400]!r}")
        url = console.driver.current_url
        check(all(form not in url for form in number_forms(insz)), f"the number is in the address {url}")
        check("/console/persoon?h=" in url, f"the result's address carries a handle: {url}")
        status = console.driver.find_element(By.ID, "status")
        check(status.get_attribute("data-code"), "a status code on the page")
        check(len(console.driver.find_elements(By.CSS_SELECTOR, "#redenen li")) >= 1, "at least one reason with its legal reference")
        console.visit("persoon")
        scenario("a person search posts the number and shows status, reasons and data items under an opaque handle")

        # The timeline shows the retracted event as retracted, with the retraction's reason.
        retracted = console.driver.find_element(By.CSS_SELECTOR, f"li.gebeurtenis[data-id='{setup['retracted']}']")
        check("ingetrokken" in retracted.get_attribute("class").split(), "the retracted event is marked retracted")
        check("Ingetrokken" in retracted.text and setup["retractionReason"] in retracted.text,
              f"the retracted event says so, with its reason: {retracted.text!r}")
        others = console.driver.find_elements(By.CSS_SELECTOR, "li.gebeurtenis:not(.ingetrokken)")
        check(len(others) >= 2, "the other events are not marked retracted")
        scenario("the timeline shows the retracted event as retracted, with the retraction's reason")

        # Who saw this dossier: the officer's own views are there, each proven against the checkpoint.
        console.click(console.driver.find_element(By.LINK_TEXT, "Wie zag dit dossier"))
        check(console.heading() == "Wie zag dit dossier", f"who saw, got {console.heading()!r}")
        rows = console.driver.find_elements(By.CSS_SELECTOR, "#inzages tbody tr")
        views = [row.text for row in rows if f"console:{setup['caseOfficer']}" in row.text]
        check(len(views) >= 1, f"the officer's own view is listed: {[row.text for row in rows]}")
        check(all("DOS-2026-0042" in view for view in views), "with the reference given")
        # The server signs a checkpoint every second: the accesses it covers are proven, the
        # newest (this page's own view) may still wait for the next one; none fails.
        for _ in range(10):
            proofs = console.driver.find_elements(By.CSS_SELECTOR, "#inzages td.bewezen")
            if proofs:
                break
            time.sleep(0.5)
            console.driver.refresh()
        check(len(proofs) >= 1 and not console.driver.find_elements(By.CSS_SELECTOR, "#inzages td.onbewezen"),
              "the accesses in the latest checkpoint proven against it, none failing")
        console.visit("inzage")
        scenario("who saw this dossier lists the views, each proven against the latest checkpoint")

        # The DPO's audit: the officer's views found by recipient, volumes as charts, the CSV, the log verified.
        dpo, _, _ = signed_in[setup["dpo"]]
        dpo.open("/console/audit")
        dpo.fill("ontvanger", f"console:{setup['caseOfficer']}")
        dpo.click(dpo.driver.find_element(By.CSS_SELECTOR, "form.zoeken button"))
        check("ontvanger=console%3A" in dpo.driver.current_url, f"the search is in the address: {dpo.driver.current_url}")
        rows = dpo.driver.find_elements(By.CSS_SELECTOR, "#registraties tbody tr")
        check(len(rows) >= 2 and all(f"console:{setup['caseOfficer']}" in row.text for row in rows),
              f"the officer's views and only those: {[row.text for row in rows]}")
        check(all(form not in dpo.text() for form in number_forms(insz)), "the audit shows no national number")
        for chart in ["grafiek-maand", "grafiek-ontvanger", "grafiek-doel"]:
            svg = dpo.driver.find_element(By.ID, chart)
            check(svg.get_attribute("role") == "img" and svg.find_elements(By.TAG_NAME, "rect"), f"the chart {chart} is drawn")
        volume = dpo.driver.find_element(By.CSS_SELECTOR, "#perontvanger tbody tr").text
        check(str(len(rows)) in volume, f"the volume per recipient counts the {len(rows)} records: {volume!r}")
        dpo.visit("audit")
        export = dpo.driver.find_element(By.ID, "export").get_attribute("href")
        cookie = dpo.driver.get_cookie("koppeling_sessie")["value"]
        request = urllib.request.Request(export, headers={"Cookie": f"koppeling_sessie={cookie}"})
        with urllib.request.urlopen(request) as answer:
            check(answer.headers["Content-Type"].startswith("text/csv"), "the export is CSV")
            lines = answer.read().decode().split("\r\n")
        check(lines[0].startswith("index,at,client,party,purpose"), f"the CSV header: {lines[0]!r}")
        body = [line for line in lines[1:] if line]
        check(len(body) == len(rows) and all(f"console:{setup['caseOfficer']}" in line for line in body),
              f"the CSV holds the records the search found: {body}")
        dpo.click(dpo.driver.find_element(By.CSS_SELECTOR, "form[action='/console/audit/verificatie'] button"))
        WebDriverWait(dpo.driver, 60).until(lambda driver: "in orde" in driver.find_element(By.ID, "verificatie").text)
        check("registraties en" in dpo.driver.find_element(By.ID, "verificatie").text, "the verification says what it checked")
        dpo.visit("verificatie")
        scenario("a DPO finds the officer's views in the audit, with charts, volumes, the CSV, and verifies the whole log")

        # A handle belongs to its session: another signed-in user cannot open it.
        handle_url = url
        other, _, _ = signed_in[setup["dpo"]]
        other.driver.get(handle_url)
        check(other.heading() == "Zoekopdracht verlopen", f"another session's handle is refused: {other.heading()!r}")
        scenario("a result's handle works only in the session that made it")

        # A form post without the CSRF token is refused and changes nothing.
        console.open("/console/personen")
        console.driver.execute_script("document.querySelector('input[name=csrf]').remove()")
        console.fill("insz", insz)
        console.fill("referentie", "DOS-2026-0043")
        console.submit()
        check(console.heading() == "Formulier verlopen", f"a post without the CSRF token is refused: {console.heading()!r}")
        console.visit("formulier-verlopen")
        console.open("/console")
        console.driver.find_element(By.CSS_SELECTOR, "form[action='/console/afmelden'] input[name=csrf]")
        console.driver.execute_script("document.querySelector(\"form[action='/console/afmelden'] input[name=csrf]\").value = 'x'")
        console.click(console.driver.find_element(By.CSS_SELECTOR, "form[action='/console/afmelden'] button"))
        check(console.heading() == "Formulier verlopen", "a sign-out with a wrong token is refused")
        console.open("/console")
        check(console.heading() == "Startpagina", "and the session goes on")
        scenario("a form posted without its CSRF token, or with a wrong one, is refused and changes nothing")

        # KBI-import: two answers uploaded at once, one imported with its report, one refused.
        console.open("/console/kbi-import")
        console.driver.find_element(By.ID, "bestanden").send_keys("\n".join(setup["kbiFiles"]))
        console.submit()
        imported = console.driver.find_elements(By.CSS_SELECTOR, "section.verslag .ingelezen")
        refused = console.driver.find_elements(By.CSS_SELECTOR, "section.verslag .geweigerd")
        check(len(imported) == 1 and len(refused) == 1, f"one file imported and one refused: {console.text()[:600]!r}")
        check("niets van dit bestand opgeslagen" in refused[0].text, f"the refusal says nothing was stored: {refused[0].text!r}")
        check(console.driver.find_elements(By.CSS_SELECTOR, "section.verslag table.persoort tbody tr"), "events per type")
        history = console.driver.find_elements(By.CSS_SELECTOR, "#geschiedenis tbody tr")
        check(history and f"console:{setup['caseOfficer']}" in history[0].text, f"the history names who imported: {history[0].text!r}")
        console.visit("kbi-import")
        scenario("a case officer uploads two KBI answers: one is imported with its report per type, one refused with the reason")

        # Beheer: readiness, a client registered and disabled, a user added and another disabled.
        admin, _, _ = signed_in[setup["administrator"]]
        admin.open("/console/beheer")
        ready = admin.driver.find_elements(By.CSS_SELECTOR, "#gereedheid tbody tr")
        check(len(ready) == 3 and all(row.get_attribute("data-ok") == "true" for row in ready), "every dependency is ready")
        key = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        admin.fill("client-partij", "dvz")
        admin.fill("client-naam", "console test")
        Select(admin.driver.find_element(By.ID, "client-rol")).select_by_visible_text("recipient")
        admin.fill("client-sleutel", base64.b64encode(key).decode())
        admin.click(admin.driver.find_element(By.CSS_SELECTOR, "#client-registreren button"))
        check("Client dvz-console-test is geregistreerd" in admin.text(), f"the client is registered: {admin.text()[:300]!r}")
        admin.fill("reden-dvz-console-test", "test beëindigd")
        admin.click(admin.driver.find_element(By.CSS_SELECTOR, "tr[data-id='dvz-console-test'] button"))
        row = admin.driver.find_element(By.CSS_SELECTOR, "tr[data-id='dvz-console-test']")
        check("uitgeschakeld sinds" in row.text, f"the client is disabled: {row.text!r}")
        admin.fill("gebruiker-naam", "nieuwe.collega")
        admin.driver.find_element(By.ID, "rol-case_officer").click()
        admin.click(admin.driver.find_element(By.CSS_SELECTOR, "#gebruiker-toevoegen button"))
        link = admin.driver.find_element(By.ID, "inschrijvingskoppeling").text
        check(link.startswith("/console/inschrijven?token="), f"the enrolment link is shown once: {link!r}")
        row = admin.driver.find_element(By.CSS_SELECTOR, "tr[data-naam='nieuwe.collega']")
        check("case_officer" in row.text and "wacht op inschrijving" in row.text, f"the new user waits to enrol: {row.text!r}")
        officer = setup["enforcementOfficer"]
        admin.fill(f"greden-{officer}", "uit dienst")
        admin.click(admin.driver.find_element(By.CSS_SELECTOR, f"tr[data-naam='{officer}'] button"))
        check("uitgeschakeld" in admin.driver.find_element(By.CSS_SELECTOR, f"tr[data-naam='{officer}']").text, "the user is disabled")
        admin.visit("beheer")
        disabled, _, _ = signed_in[officer]
        disabled.open("/console")
        check(disabled.heading() == "Aanmelden", f"the disabled user's session has ended: {disabled.heading()!r}")
        scenario("an administrator sees readiness, registers and disables a client, adds a user and disables another, whose session ends")

        # The number was in no address the browser visited (its own history).
        visited = console.history()
        check(any("/console/persoon?h=" in address for address in visited), f"the history holds the visits: {visited}")
        leaked = [address for address in visited for form in number_forms(insz) if form in address]
        check(not leaked, f"the number appears in the browser's history: {leaked}")
        print(json.dumps({"visited": visited}), flush=True)
        scenario("the national number appears in no address of the browser's history")

    run(browsers, scenarios)


if __name__ == "__main__":
    main()
