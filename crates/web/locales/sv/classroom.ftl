# Elevernas klassrumssidor: inloggning med namn och hemlighet, Mina klasser, eget konto.
# Skrivna för ett barn på sju år: korta meningar, vänliga, utan skuld.

classroom-code-title = Har du en klasskod?
classroom-home-title = Logga in i din klass
classroom-code-label = Klasskod
classroom-code-hint = Den står på kortet från din lärare, till exempel KMN-PQR.
classroom-code-go = Gå vidare
classroom-unknown-title = Vi hittar inte den klassen
classroom-unknown-lead = Titta på koden på ditt kort och skriv den igen.
classroom-own-account-sign-in = Jag har ett eget konto

classroom-who-title = Vem är du?
classroom-who-lead = Tryck på ditt namn.
classroom-no-names = Din lärare har inte lagt till några namn än.
classroom-email-title = Logga in med ditt eget konto
classroom-email-lead = I den här klassen loggar du in med ditt eget konto. Sedan kan du gå med i klassen med klassens kod.
classroom-email-sign-in = Logga in

classroom-hi = Hej { $name }!
classroom-pick-picture = Välj din hemliga bild.
classroom-type-words = Skriv dina två hemliga ord.
classroom-words-submit = Logga in
classroom-wrong-picture = Det är inte din bild. Försök igen!
classroom-wrong-words = Det är inte dina ord. Försök igen!
classroom-type-words-first = Skriv dina två hemliga ord först.
classroom-not-you = Inte du? Välj ditt namn
classroom-locked-lead = Ingen fara! Din lärare kan fixa det.
too-many-attempts = Be din lärare att hjälpa dig att logga in.

classroom-wait-title = Vänta lite
classroom-wait-lead = Många loggar in just nu. Vänta en minut och försök sedan igen.
classroom-try-again = Försök igen

classroom-mine-title = Mina klasser
classroom-mine-none = Du är inte med i någon klass än.
classroom-teacher = { $count ->
        [one] Lärare: { $name }
       *[other] Lärare: { $name }
    }
classroom-and = och
classroom-leave = Lämna
classroom-leave-label = Lämna { $name }
classroom-join-title = Gå med i en klass
classroom-join-hint = Koden får du av din lärare.
classroom-join-submit = Gå med
classroom-joined = Nu är du med i { $name }!
classroom-left = Du har lämnat klassen.
classroom-wait-join = Vi tar en liten paus. Vänta några minuter och skriv sedan koden igen.
section-not-found = Vi hittar ingen klass med den koden. Kolla koden med din lärare och försök igen.
classroom-leave-title = Lämna { $name }?
classroom-leave-lead = Om du lämnar { $name } ser { $teacher } inte längre hur det går för dig.
classroom-leave-yes = Ja, lämna klassen
classroom-leave-no = Nej, stanna kvar
last-section = Din lärare tar hand om ditt konto, så du loggar in genom den här klassen. Gör kontot till ditt eget först, sedan kan du lämna klassen.

classroom-own-title = Gör kontot till ditt eget
classroom-own-lead = Välj ett användarnamn och ett lösenord att logga in med från och med nu; efter det fungerar inte din hemliga bild eller dina hemliga ord längre, och bara du kan ändra ditt konto.
classroom-username-hint = 3 till 32 tecken: bokstäverna a-z, siffror, punkter, bindestreck eller understreck.
classroom-own-submit = Gör det till mitt
classroom-own-done = Nu är kontot ditt! Logga in med ditt användarnamn och lösenord från och med nu.
