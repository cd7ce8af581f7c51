import Mustache

/// The console's pages as Mustache templates (swift-mustache), in Dutch. Every page fills the
/// layout's `inhoud` block; values are HTML-escaped (`{{…}}`), and no page has inline script or
/// style, so the Content-Security-Policy can forbid both.
enum ConsoleTemplates {
    static let layout = """
        <!DOCTYPE html>
        <html lang="nl">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{titel}} – Koppeling</title>
        {{#verversen}}<meta http-equiv="refresh" content="{{verversen}}">{{/verversen}}
        <link rel="stylesheet" href="/console/stijl.css">
        </head>
        <body>
        <header><p class="merk"><a href="/console">Koppeling</a></p>
        {{#gebruiker}}<p>Aangemeld als <strong>{{naam}}</strong></p>{{/gebruiker}}</header>
        {{#heeftMenu}}<nav aria-label="Schermen"><ul>{{#menu}}<li><a href="{{adres}}">{{titel}}</a></li>{{/menu}}</ul></nav>{{/heeftMenu}}
        <main id="inhoud">
        <h1>{{titel}}</h1>
        {{#fout}}<p class="fout" role="alert">{{fout}}</p>{{/fout}}
        {{#melding}}<p class="melding" role="status">{{melding}}</p>{{/melding}}
        {{$inhoud}}{{/inhoud}}
        </main>
        </body>
        </html>

        """

    static let signIn = """
        {{<layout}}{{$inhoud}}
        {{#organisatie}}<p><a class="knop" href="/console/aanmelden/oidc">Aanmelden via uw organisatie</a></p>
        <p>Of meld u aan met een lokaal account:</p>{{/organisatie}}
        <form method="post" action="/console/aanmelden">
        <input type="hidden" name="formulier" value="{{formulier}}">
        <p><label for="naam">Gebruikersnaam</label><br>
        <input id="naam" name="naam" autocomplete="username" required maxlength="64" value="{{naam}}"></p>
        <p><label for="wachtwoord">Wachtwoord</label><br>
        <input id="wachtwoord" name="wachtwoord" type="password" autocomplete="current-password" required maxlength="72"></p>
        {{> codeveld}}
        <p><button type="submit">Aanmelden</button></p>
        </form>
        {{/inhoud}}{{/layout}}
        """

    static let enrol = """
        {{<layout}}{{$inhoud}}
        <p>Welkom, {{naam}}. Kies een wachtwoord en stel uw tweede factor in.</p>
        <ol>
        <li>Voeg in uw authenticator-app een account toe met deze sleutel: <code id="sleutel">{{appsleutel}}</code>
        (of open <a href="{{adres}}">deze koppeling</a> op uw telefoon).</li>
        <li>Vul de code in die de app nu toont.</li>
        </ol>
        <form method="post" action="/console/inschrijven">
        <input type="hidden" name="formulier" value="{{formulier}}">
        <input type="hidden" name="token" value="{{token}}">
        <input type="hidden" name="sleutel" value="{{sleutel}}">
        <p><label for="wachtwoord">Nieuw wachtwoord (12 tot 72 tekens)</label><br>
        <input id="wachtwoord" name="wachtwoord" type="password" autocomplete="new-password" required minlength="12" maxlength="72"></p>
        <p><label for="herhaling">Herhaal het wachtwoord</label><br>
        <input id="herhaling" name="herhaling" type="password" autocomplete="new-password" required minlength="12" maxlength="72"></p>
        {{> codeveld}}
        <p><button type="submit">Inschrijven</button></p>
        </form>
        {{/inhoud}}{{/layout}}
        """

    /// The field for the authenticator app's code, in the enrolment and sign-in forms.
    static let codeField = """
        <p><label for="code">Code uit uw authenticator-app (6 cijfers)</label><br>
        <input id="code" name="code" inputmode="numeric" autocomplete="off" required pattern="[0-9]{6}" maxlength="6"></p>
        """

    static let home = """
        {{<layout}}{{$inhoud}}
        <p>Uw rollen:</p>
        <ul>{{#rollen}}<li>{{.}}</li>{{/rollen}}</ul>
        <h2>Uw schermen</h2>
        <ul class="schermen">{{#menu}}<li><a href="{{adres}}">{{titel}}</a></li>{{/menu}}</ul>
        <form method="post" action="/console/afmelden">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><button type="submit">Afmelden</button></p>
        </form>
        <form method="post" action="/console/overal-afmelden">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><button type="submit">Overal afmelden (ook op andere toestellen)</button></p>
        </form>
        {{/inhoud}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$inhoud}}
        <p>{{uitleg}}</p>
        <p><a href="/console/aanmelden">Naar de aanmelding</a></p>
        {{/inhoud}}{{/layout}}
        """

    /// A page that answers instead of another one: no access, an expired search.
    static let refused = """
        {{<layout}}{{$inhoud}}
        <p>{{uitleg}}</p>
        {{#verder}}<p><a href="{{adres}}">{{tekst}}</a></p>{{/verder}}
        {{^verder}}<p><a href="/console">Naar de startpagina</a></p>{{/verder}}
        {{/inhoud}}{{/layout}}
        """

    /// Persoon opzoeken: the number in the POST body, never in an address.
    static let personSearch = """
        {{<layout}}{{$inhoud}}
        <p>Elke inzage wordt vastgelegd in het transparantielogboek, met uw naam, de reden en de referentie die u opgeeft. \
        De persoon kan die inzage zelf opvragen.</p>
        <form method="post" action="/console/personen" autocomplete="off">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="insz">Rijksregisternummer of BIS-nummer</label><br>
        <input id="insz" name="insz" inputmode="numeric" required maxlength="20" aria-describedby="insz-hulp">
        <br><span id="insz-hulp" class="hulp">11 cijfers, met of zonder punten en streepje, zoals 85.07.30-033.28</span></p>
        <p><label for="doel">Waarom zoekt u deze persoon op?</label><br>
        <select id="doel" name="doel" required>
        {{#doelen}}<option value="{{code}}"{{#gekozen}} selected{{/gekozen}}>{{naam}}</option>{{/doelen}}</select></p>
        <p><label for="referentie">Dossier- of werkreferentie</label><br>
        <input id="referentie" name="referentie" required maxlength="100" value="{{referentie}}"></p>
        <fieldset><legend>Optioneel</legend>
        <p><label for="peildatum">Status op datum (leeg: vandaag)</label><br>
        <input id="peildatum" name="peildatum" type="date" value="{{peildatum}}"></p>
        <p><label for="gekendop">Zoals gekend op (leeg: nu)</label><br>
        <input id="gekendop" name="gekendop" type="datetime-local" step="1" value="{{gekendop}}"></p>
        </fieldset>
        <p><button type="submit">Opzoeken</button></p>
        </form>
        {{/inhoud}}{{/layout}}
        """

    /// A person's status, data items and timeline.
    static let person = """
        {{<layout}}{{$inhoud}}
        <p class="uittreksel">Uittreksel uit de Vlaamse integratiedatabank, opgemaakt op {{opgemaakt}} door {{gebruiker.naam}}.\
        {{#controlepunt}} Jongste gesigneerde controlepunt van het transparantielogboek: {{omvang}} registraties, {{wanneer}}.\
        {{/controlepunt}}</p>
        <dl class="kader">
        <dt>Rijksregisternummer</dt><dd id="nummer">{{nummer}}</dd>
        {{#geboortedatum}}<dt>Geboortedatum</dt><dd>{{geboortedatum}}</dd>{{/geboortedatum}}
        <dt>Reden van inzage</dt><dd>{{doel}}, referentie {{referentie}}</dd>
        <dt>Status op</dt><dd>{{peildatum}}</dd>
        <dt>Zoals gekend op</dt><dd>{{gekendop}}</dd>
        </dl>
        <h2>Status</h2>
        <p class="status" id="status" data-code="{{statuscode}}"><strong>{{status}}</strong>{{#sinds}} sinds {{sinds}}{{/sinds}}</p>
        <h3>Redenen</h3>
        <ul id="redenen">{{#redenen}}<li>{{tekst}} <span class="wet">({{wet}})</span></li>{{/redenen}}</ul>
        {{#heeftVlaggen}}<h3>Aandachtspunten</h3><ul id="vlaggen">{{#vlaggen}}<li>{{.}}</li>{{/vlaggen}}</ul>{{/heeftVlaggen}}
        <h2>Gegevens zoals een ontvanger ze krijgt</h2>
        <p>Een ontvanger krijgt alleen de velden die het protocol hem voor zijn doel toekent.</p>
        <table id="gegevens"><caption class="verborgen">Gegevens per veld</caption>
        <thead><tr><th scope="col">Veld</th><th scope="col">Waarde</th></tr></thead>
        <tbody>{{#gegevens}}<tr><td>{{veld}}</td><td>{{waarde}}</td></tr>{{/gegevens}}</tbody></table>
        {{#beslissen}}
        <h2>Beslissing over een inbreuk</h2>
        <form method="post" action="/console/handhaving/beslissing" id="beslissing">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="h" value="{{handle}}">
        <fieldset><legend>Open inbreuken waarover ABB beslist</legend>
        {{#inbreuken}}<p><input type="radio" name="inbreuk" id="inbreuk-{{id}}" value="{{id}}" required> \
        <label for="inbreuk-{{id}}">{{tekst}}</label></p>{{/inbreuken}}
        </fieldset>
        <fieldset><legend>Beslissing</legend>
        <p><input type="radio" name="beslissing" id="b-fine" value="fine" required> \
        <label for="b-fine">Administratieve geldboete</label></p>
        <p><input type="radio" name="beslissing" id="b-geen" value="no_follow_up"> <label for="b-geen">Geen gevolg</label></p>
        <p><input type="radio" name="beslissing" id="b-recht" value="rectified"> <label for="b-recht">Rechtgezet</label></p>
        </fieldset>
        <p><label for="bedrag">Bedrag van de geldboete in euro (50 tot 5.000; boven {{drempel}} keurt een tweede ambtenaar goed)</label><br>
        <input id="bedrag" name="bedrag" inputmode="numeric" maxlength="6"></p>
        <p><button type="submit">Beslissing opslaan</button></p>
        </form>
        {{/beslissen}}
        <h2>Tijdlijn ({{aantal}} gebeurtenissen)</h2>
        <ol class="tijdlijn" id="tijdlijn">{{#tijdlijn}}
        <li class="gebeurtenis{{#ingetrokken}} ingetrokken{{/ingetrokken}}" data-id="{{id}}" data-code="{{code}}">
        <p><strong>{{datum}}</strong>: {{soort}}{{#ingetrokken}} <strong class="label">Ingetrokken</strong>{{/ingetrokken}}</p>
        {{#ingetrokken}}<p class="intrekking">Ingetrokken op {{op}} (geregistreerd {{geregistreerd}}), reden: {{reden}}</p>{{/ingetrokken}}
        <p class="herkomst">Bron {{bron}}, geregistreerd {{geregistreerd}} door {{door}}</p>
        {{#heeftGegevens}}<ul class="details">{{#gegevens}}<li>{{naam}}: {{waarde}}</li>{{/gegevens}}</ul>{{/heeftGegevens}}
        {{#heeftCodes}}<p class="codes">Letterlijke codes van de bron:
        {{#codes}}<code>{{naam}}={{waarde}}</code> {{/codes}}</p>{{/heeftCodes}}
        </li>{{/tijdlijn}}
        </ol>
        {{^tijdlijn}}<p>Het register kent geen gebeurtenissen van deze persoon.</p>{{/tijdlijn}}
        <p class="acties"><a href="/console/persoon/inzage?h={{handle}}">Wie zag dit dossier</a> · \
        <a href="/console/personen">Andere persoon opzoeken</a></p>
        {{/inhoud}}{{/layout}}
        """

    /// Who saw this dossier.
    static let accesses = """
        {{<layout}}{{$inhoud}}
        <p>Elke verstrekking en inzage over {{nummer}}, zoals het verslag voor de burger ze toont ({{aantal}}). \
        {{#controlepunt}}Elk bewijs is door de server nagerekend tegen het jongste gesigneerde controlepunt \
        ({{grootte}} registraties, {{wanneer}}).{{/controlepunt}}\
        {{#ingekort}} Hieronder staan de {{ingekort}} jongste; het verslag voor de burger geeft ze alle.{{/ingekort}}</p>
        <table id="inzages"><caption class="verborgen">Verstrekkingen en inzages</caption>
        <thead><tr><th scope="col">Nr.</th><th scope="col">Wanneer</th><th scope="col">Wie</th><th scope="col">Kanaal</th>\
        <th scope="col">Doel</th><th scope="col">Referentie</th><th scope="col">Gegevens</th><th scope="col">Resultaat</th>\
        <th scope="col">Bewijs</th></tr></thead>
        <tbody>{{#inzages}}<tr><td>{{nummer}}</td><td>{{wanneer}}</td><td>{{wie}} ({{partij}})</td><td>{{kanaal}}</td><td>{{doel}}</td>\
        <td>{{referentie}}</td><td>{{gegevens}}</td><td>{{resultaat}}</td>\
        <td class="{{bewijsklasse}}">{{bewijs}}</td></tr>{{/inzages}}</tbody></table>
        <p class="acties"><a href="/console/persoon?h={{handle}}">Terug naar de persoon</a></p>
        {{/inhoud}}{{/layout}}
        """

    /// After the provider's sign-in: a page of this site that moves on to the start page, so
    /// that the `SameSite=Strict` session cookie goes along (a redirect from the provider's site
    /// would leave it behind).
    static let signedIn = """
        <!DOCTYPE html>
        <html lang="nl">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="refresh" content="0;url=/console">
        <title>Aangemeld – Koppeling</title>
        <link rel="stylesheet" href="/console/stijl.css">
        </head>
        <body>
        <main id="inhoud"><h1>Aangemeld</h1><p><a href="/console">Verder naar de startpagina</a></p></main>
        </body>
        </html>

        """

    /// Protocollen: every version with its state, and a new version for a protocol administrator.
    static let protocolList = """
        {{<layout}}{{$inhoud}}
        <table id="versies"><caption class="verborgen">Protocolversies</caption>
        <thead><tr><th scope="col">Protocol</th><th scope="col">Versie</th><th scope="col">Titel</th><th scope="col">Status</th>\
        <th scope="col">Bekendgemaakt</th><th scope="col">Geldig</th></tr></thead>
        <tbody>{{#versies}}<tr data-id="{{id}}" data-versie="{{versie}}" data-status="{{statuscode}}"><td>{{id}}</td>\
        <td><a href="/console/protocollen/versie?id={{id}}&amp;versie={{versie}}">versie {{versie}}</a></td><td>{{titel}}</td>\
        <td>{{status}}</td><td>{{bekendgemaakt}}</td><td>{{geldig}}</td></tr>{{/versies}}</tbody></table>
        {{#geenversies}}<p>Er is nog geen protocol.</p>{{/geenversies}}
        {{#indienen}}
        <h2>Nieuwe versie indienen</h2>
        <form method="post" action="/console/protocollen/indienen">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="document">Het protocoldocument (YAML, zoals protocols/kbi-dvz-integration-efforts.yaml)</label><br>
        <textarea id="document" name="document" rows="16" cols="90" required>{{document}}</textarea></p>
        <p><button type="submit">Indienen voor advies</button></p>
        </form>
        {{/indienen}}
        {{/inhoud}}{{/layout}}
        """

    /// A protocol version: the document, advices, signatures, history, and the steps allowed now.
    static let protocolVersion = """
        {{<layout}}{{$inhoud}}
        <p class="status" id="status" data-code="{{statuscode}}">Status: <strong>{{status}}</strong>\
        {{#bekendgemaakt}}, bekendgemaakt op {{bekendgemaakt}}{{/bekendgemaakt}}.</p>
        <p>Vingerafdruk (SHA-256 van de canonieke vorm): <code id="vingerafdruk">{{vingerafdruk}}</code></p>
        {{#andere}}<p><a href="{{adres}}">Verschil met versie {{versie}}</a></p>{{/andere}}
        <h2>Stappen</h2>
        {{#geenstappen}}<p>U kunt in deze status geen stap zetten.</p>{{/geenstappen}}
        {{#advies}}
        <form method="post" action="/console/protocollen/advies/verklaring" class="stap" id="advies">
        <h3>Advies geven</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input type="hidden" name="versie" value="{{versie}}">
        <p><label for="advies-partij">Partij waarvoor u adviseert</label><br><select id="advies-partij" name="partij">
        {{#partijen}}<option value="{{id}}">{{naam}}</option>{{/partijen}}</select></p>
        <p><label for="oordeel">Oordeel</label><br><select id="oordeel" name="oordeel">
        <option value="favourable">gunstig advies</option>
        <option value="favourable_with_conditions">gunstig advies onder voorwaarden</option>
        <option value="unfavourable">ongunstig advies</option></select></p>
        <p><label for="tekst">Tekst van het advies</label><br><textarea id="tekst" name="tekst" rows="4" cols="80" required></textarea></p>
        <p><button type="submit">Verklaring tonen om te ondertekenen</button></p>
        </form>
        {{/advies}}
        {{#verklaring}}
        <form method="post" action="/console/protocollen/advies" class="stap" id="ondertekend-advies">
        <h3>Advies ondertekenen</h3>
        <p>Onderteken deze verklaring met uw eigen sleutel als functionaris, op uw eigen computer:
        <code>koppeling keys sign --key UW-SLEUTEL.key VERKLARING</code>, en vul de handtekening en uw publieke sleutel in.</p>
        <p><label for="verklaring">Verklaring (base64)</label><br>
        <textarea id="verklaring" rows="4" cols="80" readonly>{{tekst}}</textarea></p>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input type="hidden" name="versie" value="{{versie}}"><input type="hidden" name="partij" value="{{partij}}">
        <input type="hidden" name="oordeel" value="{{oordeel}}"><input type="hidden" name="tekst" value="{{adviestekst}}">
        <input type="hidden" name="datum" value="{{datum}}">
        <p>{{oordeelnaam}} voor {{partij}}: {{adviestekst}}</p>
        <p><label for="advies-sleutel">Uw publieke sleutel (base64)</label><br>
        <input id="advies-sleutel" name="sleutel" required maxlength="100"></p>
        <p><label for="advies-handtekening">Handtekening (base64)</label><br>
        <input id="advies-handtekening" name="handtekening" required maxlength="200"></p>
        <p><button type="submit">Advies registreren</button></p>
        </form>
        {{/verklaring}}
        {{#ondertekenen}}
        <form method="post" action="/console/protocollen/ondertekenen" class="stap" id="ondertekenen">
        <h3>Ondertekenen voor een partij</h3>
        <p>De verwerkingsverantwoordelijke ondertekent de vingerafdruk met de sleutel van de partij:
        <code>koppeling keys sign --key PARTIJ.key {{teondertekenen}}</code></p>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input type="hidden" name="versie" value="{{versie}}">
        <p><label for="onderteken-partij">Partij</label><br><select id="onderteken-partij" name="partij">
        {{#partijen}}<option value="{{id}}">{{naam}}</option>{{/partijen}}</select></p>
        <p><label for="onderteken-sleutel">Publieke sleutel van de partij (base64)</label><br>
        <input id="onderteken-sleutel" name="sleutel" required maxlength="100"></p>
        <p><label for="onderteken-handtekening">Handtekening (base64)</label><br>
        <input id="onderteken-handtekening" name="handtekening" required maxlength="200"></p>
        <p><button type="submit">Handtekening registreren</button></p>
        </form>
        {{/ondertekenen}}
        {{#bekendmaken}}
        <form method="post" action="/console/protocollen/bekendmaken" class="stap" id="bekendmaken">
        <h3>Bekendmaken</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input type="hidden" name="versie" value="{{versie}}">
        <p><label for="bekendmaken-datum">Datum van bekendmaking</label><br>
        <input id="bekendmaken-datum" name="datum" type="date" required value="{{datum}}"></p>
        <p><button type="submit">Bekendmaken</button></p>
        </form>
        {{/bekendmaken}}
        {{#schorsen}}
        <form method="post" action="/console/protocollen/schorsen" class="stap" id="schorsen">
        <h3>Schorsen</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input type="hidden" name="versie" value="{{versie}}">
        <p><label for="schorsen-reden">Reden (verplicht)</label><br>
        <textarea id="schorsen-reden" name="reden" rows="2" cols="80" required>\
        </textarea></p>
        <p><button type="submit">Schorsen</button></p>
        </form>
        {{/schorsen}}
        {{#herroepen}}
        <form method="post" action="/console/protocollen/herroepen" class="stap" id="herroepen">
        <h3>Herroepen (definitief)</h3>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input type="hidden" name="versie" value="{{versie}}">
        <p><label for="herroepen-reden">Reden (verplicht)</label><br>
        <textarea id="herroepen-reden" name="reden" rows="2" cols="80" required>\
        </textarea></p>
        <p><button type="submit">Herroepen</button></p>
        </form>
        {{/herroepen}}
        {{#herstellen}}<p>Een geschorste versie herstellen vraagt de handtekening van elke partij over de herstelverklaring: \
        gebruik <code>koppeling protocol reinstatement-statement</code> en <code>koppeling protocol reinstate</code>.</p>{{/herstellen}}
        <h2>Document</h2>
        <table id="document"><caption class="verborgen">Het protocoldocument</caption>
        <tbody>{{#regels}}<tr><th scope="row">{{veld}}</th><td>{{waarde}}</td></tr>{{/regels}}</tbody></table>
        <h2>Adviezen</h2>
        <ul id="adviezen">{{#adviezen}}<li>{{partij}}: {{oordeel}} van {{datum}} door {{auteur}} (sleutel {{sleutel}}): {{tekst}}</li>
        {{/adviezen}}</ul>
        {{^adviezen}}<p>Nog geen advies.</p>{{/adviezen}}
        <h2>Handtekeningen</h2>
        <ul id="handtekeningen">{{#handtekeningen}}<li>{{partij}}, {{wanneer}} (sleutel {{sleutel}})</li>{{/handtekeningen}}</ul>
        {{^handtekeningen}}<p>Nog geen handtekening.</p>{{/handtekeningen}}
        <h2>Geschiedenis</h2>
        <table id="geschiedenis"><caption class="verborgen">Geschiedenis</caption>
        <thead><tr><th scope="col">Wanneer</th><th scope="col">Van</th><th scope="col">Naar</th><th scope="col">Wie</th>\
        <th scope="col">Reden</th></tr></thead>
        <tbody>{{#geschiedenis}}<tr><td>{{wanneer}}</td><td>{{van}}</td><td>{{naar}}</td><td>{{wie}}</td><td>{{reden}}</td></tr>\
        {{/geschiedenis}}</tbody></table>
        <p class="acties"><a href="/console/protocollen">Alle protocollen</a></p>
        {{/inhoud}}{{/layout}}
        """

    /// The difference between two versions of a protocol, line by line.
    static let protocolDifference = """
        {{<layout}}{{$inhoud}}
        <p>{{gewijzigd}} regels verschillen. Weggevallen regels staan met −, nieuwe met +.</p>
        <ol class="verschil" id="verschil">{{#regels}}<li class="{{soort}}"><span aria-hidden="true">{{teken}}</span> \
        {{#weg}}<del>{{tekst}}</del>{{/weg}}{{#nieuw}}<ins>{{tekst}}</ins>{{/nieuw}}{{^weg}}{{^nieuw}}{{tekst}}{{/nieuw}}{{/weg}}</li>\
        {{/regels}}</ol>
        <p class="acties"><a href="/console/protocollen/versie?id={{id}}&amp;versie={{naar}}">Naar versie {{naar}}</a></p>
        {{/inhoud}}{{/layout}}
        """

    /// Audit: search, volumes with charts, refusal rates, CSV, and the log's state.
    static let audit = """
        {{<layout}}{{$inhoud}}
        <p>Registraties in het transparantielogboek noemen personen alleen met een pseudoniem.</p>
        <form method="get" action="/console/audit" class="zoeken">
        <fieldset><legend>Zoeken</legend>
        <p><label for="ontvanger">Ontvanger (client)</label><br>
        <input id="ontvanger" name="ontvanger" value="{{ontvanger}}" maxlength="100"></p>
        <p><label for="partij">Partij</label><br><input id="partij" name="partij" value="{{partij}}" maxlength="100"></p>
        <p><label for="doel">Doel</label><br><input id="doel" name="doel" value="{{doel}}" maxlength="100"></p>
        <p><label for="uitkomst">Uitkomst</label><br><select id="uitkomst" name="uitkomst"><option value="">alle</option>
        {{#uitkomsten}}<option value="{{code}}"{{#gekozen}} selected{{/gekozen}}>{{naam}}</option>{{/uitkomsten}}</select></p>
        <p><label for="van">Van (datum)</label><br><input id="van" name="van" type="date" value="{{van}}"></p>
        <p><label for="tot">Tot en met (datum)</label><br><input id="tot" name="tot" type="date" value="{{tot}}"></p>
        <p><button type="submit">Zoeken</button></p>
        </fieldset>
        </form>
        {{#totaal}}
        <h2>Volumes ({{totaal}} registraties)</h2>
        <h3>Per maand</h3>
        {{{grafiekmaand}}}
        <table id="permaand"><caption class="verborgen">Registraties per maand</caption>
        <thead><tr><th scope="col">Maand (UTC)</th><th scope="col">Registraties</th></tr></thead>
        <tbody>{{#permaand}}<tr><td>{{naam}}</td><td>{{aantal}}</td></tr>{{/permaand}}</tbody></table>
        <h3>Per ontvanger, met weigeringen</h3>
        {{{grafiekontvanger}}}
        <table id="perontvanger"><caption class="verborgen">Registraties en weigeringen per ontvanger</caption>
        <thead><tr><th scope="col">Ontvanger</th><th scope="col">Registraties</th><th scope="col">Geweigerd</th>\
        <th scope="col">Aandeel geweigerd</th></tr></thead>
        <tbody>{{#perontvanger}}<tr><td>{{naam}}</td><td>{{totaaltekst}}</td><td>{{geweigerd}}</td><td>{{aandeel}}</td></tr>\
        {{/perontvanger}}</tbody></table>
        <h3>Per doel</h3>
        {{{grafiekdoel}}}
        <table id="perdoel"><caption class="verborgen">Registraties per doel</caption>
        <thead><tr><th scope="col">Doel</th><th scope="col">Registraties</th></tr></thead>
        <tbody>{{#perdoel}}<tr><td>{{naam}}</td><td>{{aantal}}</td></tr>{{/perdoel}}</tbody></table>
        {{/totaal}}
        <h2>Registraties</h2>
        <p><a href="{{export}}" id="export">Alle gevonden registraties als CSV</a></p>
        <table id="registraties"><caption class="verborgen">Gevonden registraties</caption>
        <thead><tr><th scope="col">Nr.</th><th scope="col">Wanneer</th><th scope="col">Ontvanger</th><th scope="col">Partij</th>\
        <th scope="col">Doel</th><th scope="col">Kanaal</th><th scope="col">Referentie</th><th scope="col">Uitkomst</th>\
        <th scope="col">Gegevens</th><th scope="col">Persoon (pseudoniem)</th></tr></thead>
        <tbody>{{#registraties}}<tr{{#geweigerd}} class="geweigerd"{{/geweigerd}}><td>{{nummer}}</td><td>{{wanneer}}</td>\
        <td>{{ontvanger}}</td><td>{{partij}}</td><td>{{doel}}</td><td>{{kanaal}}</td><td>{{referentie}}</td><td>{{uitkomst}}</td>\
        <td>{{gegevens}}</td><td><code>{{persoon}}…</code></td></tr>{{/registraties}}</tbody></table>
        {{#geenregistraties}}<p>Geen registraties gevonden.</p>{{/geenregistraties}}
        {{#volgende}}<p><a href="{{volgende}}">Volgende registraties</a></p>{{/volgende}}
        <h2 id="logboek">Het transparantielogboek</h2>
        {{> logboek}}
        {{/inhoud}}{{/layout}}
        """

    /// ABB's enforcement work list.
    static let workList = """
        {{<layout}}{{$inhoud}}
        <nav aria-label="Wachtrijen"><ul class="wachtrijen">{{#wachtrijen}}<li><a href="{{adres}}"\
        {{#gekozen}} aria-current="page"{{/gekozen}}>{{naam}}</a></li>{{/wachtrijen}}</ul></nav>
        <form method="get" action="/console/handhaving" class="zoeken">
        <fieldset><legend>Filteren</legend>
        <input type="hidden" name="wachtrij" value="{{wachtrij}}">
        <p><label for="agentschap">Begeleidende organisatie</label><br>
        <input id="agentschap" name="agentschap" value="{{agentschap}}" maxlength="100"></p>
        <p><label for="provincie">Provincie</label><br><select id="provincie" name="provincie"><option value="">alle</option>
        {{#provincies}}<option value="{{code}}"{{#gekozen}} selected{{/gekozen}}>{{naam}}</option>{{/provincies}}</select></p>
        <p><label for="gemeente">Gemeente (NIS-code)</label><br>
        <input id="gemeente" name="gemeente" value="{{gemeente}}" inputmode="numeric" maxlength="5"></p>
        <p><label for="soort">Soort open inbreuk</label><br><select id="soort" name="soort"><option value="">alle</option>
        {{#soorten}}<option value="{{code}}"{{#gekozen}} selected{{/gekozen}}>{{naam}}</option>{{/soorten}}</select></p>
        <p><label for="ouderdom">Minstens zoveel dagen open</label><br>
        <input id="ouderdom" name="ouderdom" inputmode="numeric" value="{{ouderdom}}" maxlength="5"></p>
        <p><label for="volgorde">Volgorde</label><br><select id="volgorde" name="volgorde"><option value="oudste">oudste eerst</option>
        <option value="nieuwste"{{#nieuwste}} selected{{/nieuwste}}>nieuwste eerst</option></select></p>
        <p><button type="submit">Tonen</button></p>
        </fieldset>
        </form>
        <h2 id="wachtrij">{{titelwachtrij}}: {{totaal}}</h2>
        <p>Personen staan hier gemaskeerd. Wie een persoon opent, ziet het volledige nummer en het dossier; dat wordt vastgelegd \
        in het transparantielogboek, met de wachtrij als referentie.</p>
        <p><a href="{{export}}" id="export">Deze weergave als CSV</a></p>
        <table id="werklijst"><caption class="verborgen">{{titelwachtrij}}</caption>
        <thead><tr><th scope="col">Persoon</th><th scope="col">Status</th><th scope="col">Dagen open</th>\
        <th scope="col">Uiterste datum voor een boete</th><th scope="col">Open inbreuken</th><th scope="col">Ingebrekestelling</th>\
        <th scope="col">Eerdere boetes</th><th scope="col">Begeleidende organisatie</th><th scope="col">Gemeente</th>\
        <th scope="col">Dossier</th></tr></thead>
        <tbody>{{#items}}<tr><td><code>{{gemaskeerd}}</code></td><td>{{status}}{{#sinds}} sinds {{sinds}}{{/sinds}}</td>\
        <td>{{dagen}}</td><td>{{uiterste}}</td><td>{{inbreuken}}</td><td>{{ingebrekestelling}}</td><td>{{boetes}}</td>\
        <td>{{agentschap}}</td><td>{{gemeente}} {{provincie}}</td><td><a href="/console/persoon?h={{handle}}">Openen</a></td></tr>\
        {{/items}}</tbody></table>
        {{^items}}<p>Niemand in deze wachtrij met deze filters.</p>{{/items}}
        <p class="acties">{{paginatekst}} {{#vorige}}<a href="{{vorige}}">Vorige</a>{{/vorige}} \
        {{#volgende}}<a href="{{volgende}}" id="volgende">Volgende</a>{{/volgende}}</p>
        <h2 id="goedkeuring">Boetes die wachten op goedkeuring</h2>
        <p>Een boete boven het ingestelde bedrag wordt pas opgeslagen als een tweede ambtenaar ze goedkeurt.</p>
        <table id="goedkeuringen"><caption class="verborgen">Boetes die wachten op goedkeuring</caption>
        <thead><tr><th scope="col">Persoon</th><th scope="col">Inbreuk</th><th scope="col">Bedrag</th>\
        <th scope="col">Voorgesteld door</th><th scope="col">Op</th><th scope="col">Besluit</th></tr></thead>
        <tbody>{{#goedkeuringen}}<tr data-id="{{id}}"><td><code>{{persoon}}</code></td><td>{{inbreuk}}</td><td>{{bedrag}}</td>\
        <td>{{door}}</td><td>{{op}}</td><td><form method="post" action="/console/handhaving/goedkeuring">\
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">\
        <button type="submit" name="besluit" value="goedkeuren">Goedkeuren</button> \
        <button type="submit" name="besluit" value="weigeren">Weigeren</button></form></td></tr>{{/goedkeuringen}}</tbody></table>
        {{^goedkeuringen}}<p>Er wacht geen boete op goedkeuring.</p>{{/goedkeuringen}}
        {{/inhoud}}{{/layout}}
        """

    /// The log's state and its verification, in the audit and on the verification's own page.
    static let logState = """
        <p>Omvang: {{logomvang}} registraties.
        {{#controlepunt}}Jongste controlepunt: {{omvang}} registraties, {{wanneer}} ({{ouderdom}} geleden).{{/controlepunt}}
        {{^controlepunt}}Er is nog geen controlepunt.{{/controlepunt}}</p>
        {{#verificatie}}<p id="verificatie" class="{{#fout}}fout{{/fout}}{{^fout}}melding{{/fout}}">{{tekst}}</p>{{/verificatie}}
        {{#kanstarten}}
        <form method="post" action="/console/audit/verificatie">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><button type="submit">Het hele logboek nu narekenen</button></p>
        </form>
        {{/kanstarten}}
        """

    /// The verification's page, refreshed every two seconds while it runs.
    static let verification = """
        {{<layout}}{{$inhoud}}
        {{> logboek}}
        <p class="acties"><a href="/console/audit">Terug naar de audit</a></p>
        {{/inhoud}}{{/layout}}
        """

    /// KBI-import: the upload, the report per file, the history.
    static let kbiImport = """
        {{<layout}}{{$inhoud}}
        <form method="post" action="/console/kbi-import" enctype="multipart/form-data">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="bestanden">MAGDA-antwoorden (GeefDossierKBI, XML; een of meer bestanden)</label><br>
        <input id="bestanden" name="bestanden" type="file" accept=".xml,application/xml,text/xml" multiple required></p>
        <p>Elk bestand wordt op zich ingelezen, helemaal of niet. Een antwoord vervangt de KBI-gebeurtenissen van de persoon: \
        wat uit het dossier verdwenen is, wordt ingetrokken.</p>
        <p><button type="submit">Inlezen</button></p>
        </form>
        {{#verslagen}}
        <section class="verslag" data-bestand="{{bestand}}">
        <h2>{{bestand}}</h2>
        {{#geweigerd}}<p class="fout geweigerd">{{geweigerd}}</p>{{/geweigerd}}
        {{^geweigerd}}
        <p class="melding ingelezen">Ingelezen: persoon {{persoon}}, versie {{versie}}. {{indossier}} gebeurtenissen in het dossier, \
        {{nieuw}} nieuw opgeslagen, {{alaanwezig}} al aanwezig.</p>
        <table class="persoort"><caption>Gebeurtenissen per soort</caption>
        <thead><tr><th scope="col">Soort</th><th scope="col">Aantal</th></tr></thead>
        <tbody>{{#persoort}}<tr><td>{{soort}}</td><td>{{aantal}}</td></tr>{{/persoort}}</tbody></table>
        {{#heeftnietgekoppeld}}<h3>Niet gekoppelde codes (letterlijk bewaard)</h3>
        <ul class="nietgekoppeld">{{#nietgekoppeld}}<li><code>{{pad}}</code> = {{waarde}}: {{uitleg}}</li>{{/nietgekoppeld}}</ul>
        {{/heeftnietgekoppeld}}
        {{#heeftwaarschuwingen}}<h3>Waarschuwingen</h3>
        <ul class="waarschuwingen">{{#waarschuwingen}}<li>regel {{regel}}, <code>{{pad}}</code>: {{tekst}}</li>{{/waarschuwingen}}</ul>
        {{/heeftwaarschuwingen}}
        {{/geweigerd}}
        </section>
        {{/verslagen}}
        <h2>Laatst ingelezen bestanden</h2>
        <table id="geschiedenis"><caption class="verborgen">Laatst ingelezen bestanden</caption>
        <thead><tr><th scope="col">Wanneer</th><th scope="col">Door</th><th scope="col">Nieuwe gebeurtenissen</th>\
        <th scope="col">Personen</th><th scope="col">Vingerafdruk</th></tr></thead>
        <tbody>{{#geschiedenis}}<tr><td>{{wanneer}}</td><td>{{wie}}</td><td>{{gebeurtenissen}}</td><td>{{personen}}</td>\
        <td><code>{{vingerafdruk}}</code></td></tr>{{/geschiedenis}}</tbody></table>
        {{#geengeschiedenis}}<p>Er werd nog geen bestand ingelezen.</p>{{/geengeschiedenis}}
        {{/inhoud}}{{/layout}}
        """

    /// Beheer: clients, webhooks, users, readiness.
    static let administration = """
        {{<layout}}{{$inhoud}}
        {{#koppeling}}<p class="melding" id="inschrijvingskoppeling"><code>{{koppeling}}</code></p>{{/koppeling}}
        <h2>Gereedheid</h2>
        <table id="gereedheid"><caption class="verborgen">Gereedheid van elke afhankelijkheid</caption>
        <thead><tr><th scope="col">Onderdeel</th><th scope="col">Toestand</th><th scope="col">Uitleg</th></tr></thead>
        <tbody>{{#gereedheid}}<tr data-ok="{{ok}}"><td>{{naam}}</td><td>{{toestand}}</td><td>{{uitleg}}</td></tr>{{/gereedheid}}</tbody>
        </table>
        <h2>Clients</h2>
        <table id="clients"><caption class="verborgen">Geregistreerde clients</caption>
        <thead><tr><th scope="col">Id</th><th scope="col">Partij</th><th scope="col">Rol</th><th scope="col">Toestand</th>\
        <th scope="col">Sleutel</th><th scope="col">Certificaat</th><th scope="col">Per minuut</th><th scope="col">Bronnen</th>\
        <th scope="col">Wijzigen</th></tr></thead>
        <tbody>{{#clients}}<tr data-id="{{id}}"><td>{{id}}<br>{{naam}}</td><td>{{partij}}</td><td>{{rol}}</td><td>{{status}}</td>\
        <td><code>{{sleutel}}</code></td><td><code>{{certificaat}}</code></td><td>{{tempo}}</td><td>{{bronnen}}</td><td>
        <form method="post" action="/console/beheer/client/wijzigen" class="rij">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <label for="actie-{{id}}">Actie voor {{id}}</label>
        <select id="actie-{{id}}" name="actie">{{#actief}}<option value="uitschakelen">uitschakelen</option>{{/actief}}\
        {{^actief}}<option value="inschakelen">inschakelen</option>{{/actief}}<option value="sleutel">nieuwe sleutel</option></select>
        <label for="sleutel-{{id}}">Nieuwe sleutel (base64)</label><input id="sleutel-{{id}}" name="sleutel" maxlength="100">
        <label for="reden-{{id}}">Reden</label><input id="reden-{{id}}" name="reden" required maxlength="500">
        <button type="submit">Uitvoeren</button>
        </form></td></tr>{{/clients}}</tbody></table>
        <form method="post" action="/console/beheer/client" class="stap" id="client-registreren">
        <h3>Client registreren</h3>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="client-partij">Partij</label><br><input id="client-partij" name="partij" required maxlength="100"></p>
        <p><label for="client-naam">Naam</label><br><input id="client-naam" name="naam" required maxlength="100"></p>
        <p><label for="client-rol">Rol</label><br>
        <select id="client-rol" name="rol">{{#rollen}}<option>{{code}}</option>{{/rollen}}</select></p>
        <p><label for="client-sleutel">Publieke sleutel voor de token-aanvragen (Ed25519, base64)</label><br>
        <input id="client-sleutel" name="sleutel" maxlength="100"></p>
        <p><label for="client-tempo">Opvragingen per minuut</label><br>
        <input id="client-tempo" name="tempo" value="600" inputmode="numeric"></p>
        <p><label for="client-bronnen">Bronnen (alleen voor agency, zoals kbi,agii)</label><br>
        <input id="client-bronnen" name="bronnen"></p>
        <p><button type="submit">Registreren</button></p>
        </form>
        <h2>Webhooks</h2>
        <table id="webhooks"><caption class="verborgen">Webhooks en hun aflevering</caption>
        <thead><tr><th scope="col">Client</th><th scope="col">Adres</th><th scope="col">Afgeleverd tot</th><th scope="col">Pogingen</th>\
        <th scope="col">Toestand</th><th scope="col">Laatste fout</th></tr></thead>
        <tbody>{{#webhooks}}<tr><td>{{client}}</td><td>{{adres}}</td><td>{{afgeleverd}}</td><td>{{pogingen}}</td><td>{{toestand}}</td>\
        <td>{{fout}}</td></tr>{{/webhooks}}</tbody></table>
        <h2>Gebruikers</h2>
        <table id="gebruikers"><caption class="verborgen">Gebruikers van de console</caption>
        <thead><tr><th scope="col">Naam</th><th scope="col">Rollen</th><th scope="col">Toestand</th><th scope="col">Wijzigen</th>
        </tr></thead>
        <tbody>{{#gebruikers}}<tr data-naam="{{naam}}"><td>{{naam}}</td><td>{{rollen}}</td><td>{{status}}</td><td>{{^zelf}}
        <form method="post" action="/console/beheer/gebruiker/wijzigen" class="rij">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="naam" value="{{naam}}">
        <label for="gactie-{{naam}}">Actie voor {{naam}}</label>
        <select id="gactie-{{naam}}" name="actie">{{#actief}}<option value="uitschakelen">uitschakelen</option>{{/actief}}\
        <option value="herstellen">opnieuw laten inschrijven</option></select>
        <label for="greden-{{naam}}">Reden</label><input id="greden-{{naam}}" name="reden" required maxlength="500">
        <button type="submit">Uitvoeren</button>
        </form>{{/zelf}}</td></tr>{{/gebruikers}}</tbody></table>
        <form method="post" action="/console/beheer/gebruiker" class="stap" id="gebruiker-toevoegen">
        <h3>Gebruiker toevoegen</h3>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="gebruiker-naam">Aanmeldnaam (kleine letters, cijfers, punt, liggend streepje)</label><br>
        <input id="gebruiker-naam" name="naam" required maxlength="64"></p>
        <fieldset><legend>Rollen</legend>
        {{#gebruikersrollen}}<p><input type="checkbox" id="rol-{{code}}" name="rollen[]" value="{{code}}">
        <label for="rol-{{code}}">{{naam}}</label></p>{{/gebruikersrollen}}
        </fieldset>
        <p><button type="submit">Toevoegen</button></p>
        </form>
        {{/inhoud}}{{/layout}}
        """

    static let stylesheet = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; line-height: 1.5; }
        header { background: #1f3d7a; color: #fff; padding: 0.5rem 1.5rem; display: flex; justify-content: space-between; }
        header p { margin: 0.25rem 0; }
        .merk { font-weight: bold; }
        main { padding: 1rem 1.5rem; max-width: 48rem; }
        label { font-weight: 600; }
        input { font-size: 1rem; padding: 0.4rem; border: 1px solid #555; border-radius: 3px; min-width: 18rem; }
        input:focus, button:focus, a:focus { outline: 3px solid #f2b600; outline-offset: 2px; }
        button { font-size: 1rem; padding: 0.5rem 1.25rem; background: #1f3d7a; color: #fff; border: 0; border-radius: 3px; }
        .fout { border-left: 4px solid #b00020; padding: 0.5rem 1rem; background: #fdecee; }
        .melding { border-left: 4px solid #1b6e2d; padding: 0.5rem 1rem; background: #e9f5ec; }
        #sleutel { font-size: 1.1rem; letter-spacing: 0.1em; }
        .merk a { color: #fff; text-decoration: none; }
        nav { background: #e8edf6; padding: 0 1.5rem; }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1.5rem; }
        nav a { display: inline-block; padding: 0.5rem 0; color: #1f3d7a; }
        select { font-size: 1rem; padding: 0.4rem; }
        fieldset { border: 1px solid #999; margin: 1rem 0; }
        .hulp { color: #444; font-size: 0.9rem; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
        th, td { border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        dl.kader { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        .tijdlijn li { margin-bottom: 0.75rem; }
        .ingetrokken > p:first-child { text-decoration: line-through; }
        .ingetrokken .label { background: #b00020; color: #fff; padding: 0 0.4rem; border-radius: 3px; text-decoration: none; }
        .intrekking { color: #8a0019; }
        .herkomst, .codes, .wet { color: #444; font-size: 0.9rem; }
        code { font-size: 0.9rem; letter-spacing: 0; }
        .onbewezen { color: #b00020; font-weight: bold; }
        .wachtend { color: #555; font-style: italic; }
        .wachtrijen { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
        .wachtrijen a[aria-current] { font-weight: bold; }
        .knop { display: inline-block; padding: 0.5rem 1.25rem; background: #1f3d7a; color: #fff; border-radius: 3px; }
        .stap { border: 1px solid #999; padding: 0 1rem; margin: 1rem 0; }
        textarea { font-size: 0.95rem; font-family: ui-monospace, monospace; max-width: 100%; }
        .verschil { list-style: none; padding: 0; font-family: ui-monospace, monospace; font-size: 0.9rem; }
        .verschil .weg { background: #fdecee; }
        .verschil .nieuw { background: #e9f5ec; }
        .verschil ins { text-decoration: none; }
        th[scope=row] { width: 30%; }
        .grafiek { max-width: 100%; height: auto; display: block; margin: 0.5rem 0; }
        .zoeken fieldset { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
        .zoeken input { min-width: 12rem; }
        tr.geweigerd td { background: #fdecee; }
        form.rij { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: center; }
        form.rij input { min-width: 8rem; }
        input[type=checkbox] { min-width: 0; }
        .verborgen { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        main { max-width: 72rem; }
        @media print { header, nav, form, .acties { display: none; } main { max-width: none; } }

        """

    /// Every page, parsed once. The templates are constants of this file: one that does not
    /// parse is a programming error, which every console test would show at once.
    static let parsed: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", layout), ("codeveld", codeField), ("aanmelden", signIn), ("inschrijven", enrol), ("start", home),
            ("bericht", message), ("geentoegang", refused), ("personen", personSearch), ("persoon", person), ("inzage", accesses),
            ("aangemeld", signedIn), ("protocollen", protocolList), ("protocol", protocolVersion), ("verschil", protocolDifference),
            ("logboek", logState), ("audit", audit), ("verificatie", verification), ("kbiimport", kbiImport), ("beheer", administration),
            ("handhaving", workList),
        ] {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("the console template \(name) does not parse: \(error)")
            }
        }
        return library
    }()
}
