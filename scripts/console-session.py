"""Enrols a console user from their link and signs in, as a browser would, for the console's page
benchmark (scripts/benchmark-console): prints the session cookie's value and the address of a
person's result page. Usage: console-session.py BASE LINK NAME PERSON-NUMBER. Needs pyotp (.venv)."""

import http.cookiejar
import re
import sys
import time
import urllib.parse
import urllib.request

import pyotp

base, link, name, insz = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def get(path):
    with opener.open(base + path) as answer:
        return answer.read().decode()


def post(path, fields):
    try:
        with opener.open(base + path, urllib.parse.urlencode(fields).encode()) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def field(name, page):
    return re.search(f'name="{name}" value="([^"]*)"', page).group(1)


password = "een wachtwoord voor de benchmark"
parts = urllib.parse.urlsplit(link)
page = get(f"{parts.path}?{parts.query}")
secret = field("sleutel", page)
app_key = re.search(r'<code id="sleutel">([A-Z2-7]+)</code>', page).group(1)
totp = pyotp.TOTP(app_key)
status, _, _ = post("/console/inschrijven", {
    "formulier": field("formulier", page), "token": field("token", page), "sleutel": secret, "wachtwoord": password,
    "herhaling": password, "code": totp.now()})
assert status == 303, f"enrolment: {status}"
page = get("/console/aanmelden")
status, headers, _ = post("/console/aanmelden", {
    "formulier": field("formulier", page), "naam": name, "wachtwoord": password, "code": totp.at(time.time() + 30)})
assert status == 303, f"sign-in: {status}"
session = next(cookie.value for cookie in jar if cookie.name == "koppeling_sessie")
page = get("/console/personen")
status, headers, _ = post("/console/personen", {
    "csrf": field("csrf", page), "insz": insz, "doel": "DATA_QUALITY", "referentie": "BENCHMARK"})
assert status == 303, f"search: {status}"
print(session)
print(headers["Location"])
