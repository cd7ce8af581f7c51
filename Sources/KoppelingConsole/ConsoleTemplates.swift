public import Mustache

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
        <link rel="stylesheet" href="/console/stijl.css">
        </head>
        <body>
        <header><p class="merk">Koppeling</p>{{#gebruiker}}<p>Aangemeld als <strong>{{naam}}</strong></p>{{/gebruiker}}</header>
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
        <li>Voeg in uw authenticator-app een account toe met deze sleutel: <code id="sleutel">{{sleutel}}</code>
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
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}" maxlength="6"></p>
        """

    static let home = """
        {{<layout}}{{$inhoud}}
        <p>Uw rollen:</p>
        <ul>{{#rollen}}<li>{{.}}</li>{{/rollen}}</ul>
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
        code { font-size: 1.1rem; letter-spacing: 0.1em; }
        @media print { header, form { display: none; } }

        """

    /// Every page, parsed once. The templates are constants of this file: one that does not
    /// parse is a programming error, which every console test would show at once.
    static let parsed: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", layout), ("codeveld", codeField), ("aanmelden", signIn), ("inschrijven", enrol), ("start", home),
            ("bericht", message),
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
