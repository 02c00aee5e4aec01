## Familjer: föräldrar, deras barn, tillåtelser och begäranden.

field-parent-email = Din förälders e-postadress (om du är under 13)
field-parent-email-hint = Vi frågar din förälder innan vi sparar något du gör. Tills de säger ja stannar dina framsteg i den här webbläsaren.
retention-request = tills begäran är avgjord (eller dess bekräftelselänk går ut oanvänd), sedan raderas den

family-action-deactivate = avaktivera kontot
family-action-delete = radera kontot och allt som sparas om det
family-action-stop-collection = sluta spara något nytt
family-action-resume = häva en avaktivering eller ett stopp

family-code-not-found = Familjekoden är okänd, använd eller har gått ut. Be ditt barn eller barnets lärare om en ny.
parent-controls = Bara din förälder kan ta bort kopplingen tills du fyller 13.
parent-email-required = Barn under 13 behöver ange en förälders e-postadress: vi frågar föräldern först.
child-sign-up-closed = Här får barn sina konton av sina lärare.
account-deactivated = En förälder har avaktiverat det här kontot.
not-collecting = Inget sparas för det här kontot nu; dina framsteg stannar i den här webbläsaren.
request-decided = Begäran är redan avgjord, eller ännu inte bekräftad.

mail-permission-subject = { $name } vill ha ett konto på Kodlek: får hen det?
mail-permission-body =
    Hej,

    { $name } har registrerat sig på Kodlek, där barn lär sig programmera med block, och angav
    din e-postadress som sin förälders. Tills du säger ja sparar vi inget av det hen gör: inga
    framsteg, inga program.

    Läs vad hen kommer att göra och vad vi sparar, och svara ja eller nej, här:
    { $link }

    Om ingen svarar inom 7 dagar raderas kontot. Vi sparar din adress bara tills du svarar.
mail-request-confirm-subject = Bekräfta din begäran till Kodlek
mail-request-confirm-body =
    Hej,

    Du bad oss att { $action } för { $child }. Bekräfta att det var du genom att öppna den här länken:
    { $link }

    Om du inte bad om det kan du bortse från meddelandet; då händer ingenting.
mail-request-outcome-subject = Din begäran till Kodlek
mail-request-done =
    Hej,

    Vi har gjort det du bad om: { $action } ({ $child }).
mail-request-refused =
    Hej,

    Vi genomförde inte din begäran att { $action } ({ $child }).
    Varför: { $reason }

    Skriv till oss via supportsidan om du har frågor.
mail-teacher-deactivate-subject = En förälder har avaktiverat { $name }s konto på Kodlek
mail-teacher-deactivate-body =
    Hej,

    En förälder till { $name }, elev i en av dina grupper, har låtit avaktivera elevens konto.
    { $name } kan inte logga in förrän föräldern ber oss återuppta det.
mail-teacher-delete-subject = En förälder har raderat { $name }s konto på Kodlek
mail-teacher-delete-body =
    Hej,

    En förälder till { $name }, elev i en av dina grupper, har låtit radera elevens konto, med
    framstegen. Eleven är inte längre med i dina grupper.

## Förälderns sidor
parents-title = Dina barn
parents-lead = Koppla dig till ditt barn med familjekoden från barnets kontosida eller från lärarens brev hem. Sedan ser du barnets framsteg och program, och vad Kodlek sparar om barnet.
parents-none = Inget barn är kopplat än.
parents-link-title = Koppla ett barn
parents-code = Familjekod
parents-code-hint = Åtta bokstäver och siffror, till exempel KMNP-QRTW. Bindestreck och mellanslag spelar ingen roll.
parents-link-button = Koppla
parents-verify-first = Bekräfta först din e-postadress (vi har skickat en länk); sedan kan du koppla dig till ditt barn.
parents-status-active = aktivt
parents-status-deactivated = avaktiverat
parents-status-collection_stopped = inget nytt sparas
parents-linked-since = kopplad sedan { $date }
parents-age = { $age } år
parents-unlink = Ta bort kopplingen
parents-request-link = Fråga om ett barn du inte är kopplad till
child-title = { $name }
child-progress = Framsteg
child-sections = Grupper
child-sections-none = Inte med i någon grupp.
child-section = { $name }, med { $teacher }
child-kept = Vad Kodlek sparar om { $name }
child-kept-rows = { $count } sparade
child-actions = Bestäm om kontot
child-actions-lead = Skriv ditt lösenord; sedan mejlar vi dig en länk att bekräfta med. Att avaktivera eller radera berättas också för barnets lärare.
child-action = Vad ska hända
child-password = Ditt lösenord
child-action-button = Begär
child-asked = Vi har mejlat dig en länk: öppna den för att bekräfta din begäran.
child-level-attempts = Försök på { $level }
child-no-attempts = Inga försök sparade för den här nivån.
child-back = Tillbaka till { $name }
child-level-title = { $level }: { $name }s försök
child-answer = Svar: { $answer }
account-family = Familj
account-family-parents = Kopplade föräldrar
account-family-none = Ingen förälder är kopplad till ditt konto.
account-family-can-see = En kopplad förälder ser ditt visningsnamn och din ålder, dina framsteg, dina program, namnen på dina grupper och vad Kodlek sparar om dig. Föräldern ser aldrig din e-postadress. Föräldern kan be oss pausa ditt konto, sluta spara eller radera det.
account-family-child-note = Tills du fyller 13 kan bara din förälder ta bort kopplingen.
account-family-code = Gör en familjekod
account-family-code-lead = Ge koden till din förälder: hen skriver in den på sin sida på Kodlek för att koppla sig till dig. Den fungerar en gång, i 7 dagar.
account-family-your-code = Din familjekod: { $code } (till { $date })
account-family-remove = Ta bort
account-children = Dina barn
account-children-count = Kopplade barn: { $count }
account-children-go = Se dina barn och koppla ett barn

## Tillåtelsesidan
permission-title = Får { $name } ha ett konto på Kodlek?
permission-lead = { $name } registrerade sig på Kodlek och angav din adress som sin förälders.
permission-what = På Kodlek löser barn programmeringspussel med block, själva eller med sin klass. Ett barn kan inte skicka meddelanden eller ladda upp något.
permission-kept = Om du säger ja sparar vi:
permission-kept-list = visningsnamnet och åldern barnet angav; en nyckelhashad form av barnets e-postadress (aldrig adressen själv), för inloggning och nytt lösenord; varje försök på en nivå, med tid, resultat och program; grupperna barnet går med i. Du kan se allt, och be oss pausa, stoppa eller radera det, från ett föräldrakonto.
permission-until = Tills du svarar sparas inget av barnets lek. Utan svar inom 7 dagar raderas kontot. Din adress raderas när du svarar.
permission-grant = Ja, det får hen
permission-decline = Nej: radera kontot
permission-gone = Länken är okänd, använd eller har gått ut.
permission-granted = Tack: nu sparas { $name }s framsteg.
permission-declined = Kontot har raderats.
permission-link-title = Följ { $name } på Kodlek
permission-link-lead = Logga in på ditt föräldrakonto, eller skapa ett, och skriv in den här familjekoden på din sida för att koppla dig till { $name }. Den fungerar i 7 dagar.
permission-code = Familjekod: { $code }
permission-sign-in = Logga in
permission-sign-up = Skapa ett föräldrakonto
permission-language = In English

## Bekräfta en begäran
request-confirm-title = Bekräfta din begäran
request-confirm-lead = Du bad oss att { $action } för { $child }.
request-confirm-button = Bekräfta
request-confirm-gone = Länken är okänd, använd eller har gått ut.
request-confirmed-done = Klart: vi har genomfört din begäran.
request-confirmed-review = Bekräftat. Vår support kontrollerar vem du är och din relation till barnet, och beslutar inom 30 dagar. Vi mejlar dig utfallet.
request-confirmed-refused = Begäran kunde inte genomföras: du är inte längre kopplad till barnet.

## Det öppna formuläret
parent-request-title = Fråga om ditt barns konto
parent-request-lead = En förälder eller vårdnadshavare kan be oss avaktivera ett barns konto, radera det och allt som sparas om det, sluta spara något nytt, eller häva en avaktivering eller ett stopp. Har du ett föräldrakonto kopplat till ditt barn går det fortare från din sida. Annars berättar du vem du är och vem ditt barn är; vi mejlar dig en länk att bekräfta med, och sedan kontrollerar vår support och beslutar inom 30 dagar.
parent-request-name = Ditt namn
parent-request-email = Din e-postadress
parent-request-child = Ditt barns namn på Kodlek
parent-request-section = Klasskoden, om du vet den
parent-request-school = Skolan
parent-request-action = Vad ska hända
parent-request-details = Något mer vi bör veta
parent-request-send = Skicka
parent-request-sent = Tack. Vi har mejlat dig en länk: öppna den för att bekräfta din begäran.
parent-request-kept = Vi sparar ditt namn och din adress bara tills din begäran är avgjord, sedan raderas de.

## Personalkonsolen
staff-parent-requests = Föräldrars begäranden
staff-parent-requests-lead = Alla begäranden, nyaste först. Bekräftade begäranden utan koppling väntar på din granskning: kontrollera vem föräldern är och relationen till barnet (fråga gruppens lärare vid behov), och besluta inom 30 dagar. Försenade är markerade.
staff-pr-none = Inga begäranden.
staff-pr-overdue = Försenad
staff-pr-linked = Från en kopplad förälder
staff-pr-unlinked = Från det öppna formuläret
staff-pr-due = Senast { $date }
staff-pr-child-id = Barnets konto-id
staff-pr-reason = Skäl (minst 10 tecken)
staff-pr-carry-out = Genomför
staff-pr-refuse = Avslå
staff-pr-status-awaiting_email_confirmation = väntar på bekräftelse via e-post
staff-pr-status-awaiting_review = väntar på granskning
staff-pr-status-done = klar
staff-pr-status-refused = avslagen
done-family-asked = Vi har mejlat dig en länk: öppna den för att bekräfta din begäran.

## Brevet hems lappar
letter-slips-lead = Lägg till en lapp att riva av för varje elev vars konto du har skapat, med en familjekod: en förälder skriver in den på Kodlek för att följa sitt barn. Varje utskrift ger nya koder, giltiga i 14 dagar.
letter-slips-make = Lägg till lappar med familjekoder
letter-slips-title = Familjekoder
letter-slip-text = Till förälder eller vårdnadshavare: skapa ett föräldrakonto på Kodlek och skriv sedan in den här koden på din sida för att följa ditt barns framsteg.
letter-slip-until = Gäller till { $date }, en gång.
account-family-awaiting = Vi har frågat din förälder om du får ha ett konto. Tills hen säger ja sparas inget du gör här: dina framsteg stannar i den här webbläsaren, och du kan flytta över dem när hen har sagt ja.
account-family-stopped = Din förälder har bett oss att inte spara något nytt: du kan spela, men dina framsteg sparas inte.
staff-pr-ask-teacher = Be gruppens lärare bekräfta
done-family-teacher-asked = Gruppens lärare har ombetts bekräfta; steget är sparat.
mail-teacher-confirm-subject = Kodleks support: kan du bekräfta en förälder till { $child }?
mail-teacher-confirm-body =
    Hej,

    { $parent } har frågat Kodleks support om kontot för { $child } i din grupp { $section },
    som förälder eller vårdnadshavare. Innan vi gör något frågar vi dig: är { $parent } förälder
    eller vårdnadshavare till { $child }, så vitt skolan vet?

    Svara gärna på det här meddelandet eller via supportsidan. Tack.
not-kept-banner = Just nu sparas inget du gör hos oss, bara i den här webbläsaren: vi väntar på en förälders ja, eller så har din förälder bett oss att inte spara något nytt.
parents-nav = Mina barn
support-parents-link = Förälder eller vårdnadshavare som vill avaktivera eller radera ett barns konto, eller stoppa det vi sparar? Använd det här formuläret.

child-projects = Det här har { $name } gjort
child-projects-none = Inga projekt än.
child-projects-lead = Varje teckning eller animation ditt barn sparar, och vem som kan se den. Ditt barn väljer själv om det ska delas; en lärare eller moderator kan dölja det som delas.
child-project-title = Titel
child-project-kind = Sort
child-project-seen-by = Vem kan se det
child-project-changed = Senast ändrad
child-project-hidden = Delat, men dolt just nu (av en lärare, klassens inställningar eller en moderator)
