## Everywhere
site-name = Kodlek
skip-to-content = Hoppa till innehållet
nav-home = Start
nav-sign-in = Logga in
nav-sign-up = Skapa konto
nav-account = Mitt konto
nav-sign-out = Logga ut
nav-language = Språk
footer-privacy = Integritetspolicy
footer-cookies = Kakor
footer-tagline = Kodlek: programmeringspussel för skolor. Ingen reklam, inga spårare.
form-expired = Formuläret har gått ut. Försök igen.
page-not-found = Vi hittade inte sidan.
error-title = Något gick fel
something-went-wrong = Något gick fel hos oss. Försök igen.
rate-limited = För många försök. Vänta några minuter och försök igen.

## Home
home-title = Lär dig programmera, ett block i taget
home-lead = Kodlek är en plats för att lära sig datavetenskap med blockpussel. Alla kan spela utan konto; lärare följer sina grupper; små barn loggar in med en hemlig bild.
home-no-account = Du kan prova alla pussel utan konto.
home-get-started = Skapa ett konto
home-have-account = Jag har redan ett konto
home-privacy = Det vi lovar i vår integritetspolicy håller vi i koden: ingen reklam, inga spårare, och ett barns e-postadress sparas aldrig.

## Sign-up
sign-up-title = Skapa ett konto
sign-up-choose = Vem är du?
sign-up-as-student = Jag är elev
sign-up-as-student-hint = Spela pussel och spara det du gjort.
sign-up-as-teacher = Jag är lärare
sign-up-as-teacher-hint = Skapa grupper och följ dina elever.
sign-up-as-parent = Jag är förälder eller vårdnadshavare
sign-up-as-parent-hint = Följ och stöd ditt barn.
sign-up-student-title = Skapa ett elevkonto
sign-up-teacher-title = Skapa ett lärarkonto
sign-up-parent-title = Skapa ett föräldrakonto
sign-up-submit = Skapa mitt konto
sign-up-have-account = Har du redan ett konto? Logga in.
field-display-name = Visningsnamn
field-display-name-hint = Namnet andra ser, till exempel "Kodkungen". Det behöver inte vara ditt riktiga namn.
field-age = Ålder i år
field-gender = Kön (frivilligt)
gender-none = Vill inte svara
gender-female = Flicka eller kvinna
gender-male = Pojke eller man
gender-nonbinary = Icke-binär
gender-unspecified = Annat svar
field-email = E-postadress
field-email-hint = Används för att logga in och för att få ett nytt lösenord. Ingen annan ser den.
field-password = Lösenord
field-password-hint = 8 till 128 tecken. Några ord i rad blir ett bra lösenord.
field-school-name = Skolans namn (frivilligt)
field-school-address = Skolans adress (frivilligt)
field-remember-me = Kom ihåg mig på den här datorn (i 30 dagar)
field-remember-me-hint = Låt bli på en dator som flera använder.
field-login = E-postadress eller användarnamn
field-current-password = Nuvarande lösenord
field-new-password = Nytt lösenord
field-username = Användarnamn

## Errors on fields
invalid-display-name = Ange ett visningsnamn på 1 till 40 tecken.
invalid-email = Ange en e-postadress, till exempel namn@example.org.
invalid-password = Välj ett lösenord på 8 till 128 tecken som inte är ett av de vanligaste.
invalid-age = Ange din ålder som ett helt antal år.
invalid-gender = Välj ett av svaren om kön.
invalid-username = Ett användarnamn har 3 till 32 tecken: bokstäverna a-z, siffror, punkter, bindestreck eller understreck.
invalid-school-name = Skolans namn får vara högst 200 tecken.
invalid-school-address = Skolans adress får vara högst 200 tecken.
invalid-role = Välj elev, lärare eller förälder.
invalid-other = Kontrollera det du skrev.
email-taken = Det finns redan ett konto med den här e-postadressen. Du kan logga in eller få ett nytt lösenord.
username-taken = Användarnamnet är upptaget. Välj ett annat.
invalid-credentials = E-postadressen eller användarnamnet och lösenordet stämmer inte med något konto.
reauthentication-required = Skriv ditt nuvarande lösenord för att göra ändringen.
managed-by-teacher = Din lärare sköter det här kontot. Be din lärare att ta bort det.

## Sign-in
sign-in-title = Logga in
sign-in-submit = Logga in
sign-in-forgot = Glömt lösenordet?
sign-in-no-account = Inget konto än? Skapa ett.

## Account
account-title = Mitt konto
account-hello = Hej, { $name }!
account-profile = Mina uppgifter
account-save = Spara
account-email-unverified = Bekräfta din e-postadress: vi har skickat en länk till dig.
account-resend = Skicka länken igen
account-email-section = E-postadress
account-email-on-file-hidden = Vi sparar bara en omkastad kod av din e-postadress, aldrig själva adressen, så vi kan inte visa den. Du kan ändå använda den för att logga in och för att få ett nytt lösenord.
account-email-none = Ingen e-postadress finns sparad.
account-change-email = Byt e-postadress
account-password-section = Lösenord
account-change-password = Byt lösenord
account-data-section = Mina uppgifter hos Kodlek
account-data-lead = Du kan se och ladda ner allt vi sparar om dig.
account-export-page = Visa mina uppgifter
account-export-json = Ladda ner mina uppgifter (JSON)
account-delete-section = Radera mitt konto
account-delete-lead = Det här raderar ditt konto och allt i det. Det går inte att ångra.
account-delete-submit = Radera mitt konto för gott
account-role = Kontotyp
role-student = Elev
role-teacher = Lärare
role-parent = Förälder eller vårdnadshavare
role-staff = Personal
account-managed = Din lärare har skapat kontot och sköter det.

## Done messages
done-saved = Dina ändringar är sparade.
done-signed-out = Du är utloggad.
done-deleted = Ditt konto och dess personuppgifter är raderade.
done-password-set = Ditt nya lösenord är satt. Logga in.
done-verification-sent = Vi har skickat en ny bekräftelselänk.
done-email-saved = Din e-postadress är ändrad. Bekräfta den med länken vi skickade.
done-password-changed = Ditt lösenord är ändrat. Andra inloggningar har avslutats.

## Data page
data-title = Mina uppgifter
data-lead = Här är allt Kodlek sparar om ditt konto, förklarat fält för fält. Du kan också ladda ner det som en fil.
data-field = Vad
data-value = Sparat värde
data-yes-stored = Sparas (en kod som inte betyder något för människor)
data-not-stored = Inget sparat
data-no-rows = Inget sparat.
data-generated = Skapad { $date }.

## Password reset
forgot-title = Få ett nytt lösenord
forgot-lead = Skriv e-postadressen till ditt konto. Vi skickar en länk där du väljer ett nytt lösenord.
forgot-submit = Skicka en länk till mig
forgot-sent = Om ett konto använder adressen är en länk på väg. Den fungerar i en timme.
reset-title = Välj ett nytt lösenord
reset-submit = Spara mitt nya lösenord
reset-invalid = Länken fungerar inte längre. En länk fungerar en gång, i en timme. Du kan be om en ny.

## Email verification
verify-title = Bekräfta din e-postadress
verify-lead = Tryck på knappen för att bekräfta att adressen är din.
verify-submit = Bekräfta min adress
verify-done = Tack! Din e-postadress är bekräftad.
verify-invalid = Länken fungerar inte längre. Du kan be om en ny på din kontosida.

## Notice and cookies
privacy-title = Integritetspolicy
privacy-revised = Senast ändrad:
privacy-binding = Den engelska texten är den bindande versionen av policyn; det här är en översättning.
privacy-other-language = Read in English
privacy-table-caption = Vad Kodlek sparar, hämtat ur plattformens förteckning över uppgifter
privacy-table-what = Vad
privacy-table-where = Sparas i
privacy-table-who = Vem kan se det
privacy-table-how-long = Hur länge
audience-self = du
audience-teachers = dina nuvarande lärare
audience-public = alla
audience-nobody = ingen (bara plattformen använder det)
retention-account = tills kontot raderas
retention-session = tills du loggar ut eller inloggningen upphör
retention-link = tills länken används eller går ut (högst en vecka)
retention-hour = ungefär en timme
retention-wish = så länge du inte vill ha mejl
retention-record = sparas som en beständig logg som inte kan ändras; den anger id-nummer, aldrig personuppgifter
retention-reply = till 90 dagar efter att supporten har avslutat förfrågan
retention-records = sparas som vår dokumentation; det som gäller dig raderas när ditt konto raderas
cookies-title = Kakor

## Unsubscribe
unsubscribe-title = Sluta få mejl från Kodlek
unsubscribe-lead = Tryck på knappen, så får adressen inga fler mejl från Kodlek som den inte bett om. Ett nytt lösenord som du själv ber om kommer ändå fram.
unsubscribe-submit = Avregistrera
unsubscribe-done = Klart. Adressen får inga fler mejl från Kodlek om den inte själv ber om det.
unsubscribe-invalid = Avregistreringslänken är inte giltig.

## Mail
mail-verify-subject = Bekräfta din e-postadress för Kodlek
mail-verify-body =
    Hej { $name },

    Bekräfta din e-postadress för Kodlek genom att öppna den här länken:
    { $link }

    Om du inte har skapat ett konto på Kodlek kan du strunta i det här mejlet.
mail-reset-subject = Nytt lösenord för Kodlek
mail-reset-body =
    Hej { $name },

    Någon har bett om ett nytt lösenord för ditt konto på Kodlek. Öppna den här länken inom en timme för att välja ett nytt lösenord:
    { $link }

    Om det inte var du kan du strunta i mejlet: ditt lösenord är kvar som förut.
mail-password-changed-subject = Ditt lösenord på Kodlek har ändrats
mail-password-changed-body =
    Hej { $name },

    Lösenordet till ditt konto på Kodlek har just ändrats. Om det inte var du, be genast om ett nytt lösenord från inloggningssidan.
data-true = ja
data-false = nej

## Courses and levels
nav-courses = Kurser
courses-title = Kurser
courses-lead = Välj en kurs och börja med första nivån. Inget konto behövs.
course-levels = { $count } nivåer
course-start = Börja
level-status-none = inte provad än
level-status-failed = provad
level-status-completed = klar
level-status-passed = löst
level-status-perfect = perfekt löst
not-saved-banner = Du är inte inloggad: det du gör sparas inte hos oss, bara i den här webbläsaren.
carry-title = Ta med det du har gjort?
carry-lead = Webbläsaren minns pussel du spelade utan konto. Lägga till dem i ditt konto?
carry-button = Ja, lägg till dem
carry-dismiss = Nej, glöm dem
resume-link = Fortsätt där du slutade
level-back = Tillbaka till kursen
level-run = Kör
level-running = Kör…
level-reset = Återställ
level-next = Nästa nivå
level-success-perfect = Du löste den med minst antal block. Strålande!
level-success-passed = Du löste den! Du använde {"{"}used{"}"} block; klarar du det med {"{"}ideal{"}"}?
level-failed-crashed = Hoppsan, du gick in i en vägg. Försök igen!
level-failed-not-reached-goal = Du har inte nått flaggan än. Lägg till fler block!
level-failed-too-many-steps = Programmet körde för länge. Tar loopen någonsin slut?
level-failed-block-not-allowed = Den här nivån använder inte ett av dina block.
level-failed-missing-required-block = Använd blocket som nivån ber om.
level-failed-wrong-drawing = Teckningen stämmer inte med bilden än.
level-failed-wrong-drawing-extra = Teckningen har ett streck som inte finns på bilden. Titta var pennan går!
level-failed-wrong-drawing-missing = En del av bilden är inte ritad än. Vilket streck saknas?
level-failed-crashed-at = Hoppsan, upptäckaren gick in i väggen på rad { $row }, kolumn { $column }. Försök igen!
level-failed-obstacle-at = Hoppsan, upptäckaren gick in i stenen på rad { $row }, kolumn { $column }. Gå runt den!
level-failed-not-reached-goal-at = Du har inte nått flaggan än: upptäckaren stannade på rad { $row }, kolumn { $column }. Lägg till fler block!
level-failed-too-many-steps-named = Programmet körde för länge. Tar loopen "{ $block }" någonsin slut?
level-failed-too-many-steps-repeat = Programmet körde för länge: blocket "{ $block }" upprepar för många gånger. Prova ett mindre tal.
level-failed-block-not-allowed-named = Den här nivån använder inte blocket "{ $block }". Ta bort det.
level-failed-missing-required-block-named = Använd blocket "{ $block }".
level-failed-too-many-blocks = Den här nivån ger dig högst { $limit } av blocket "{ $block }". En loop kan hjälpa!
level-failed-missing-locked-block = Blocket "{ $block }" hör till nivån: tryck på "Börja om" för att få tillbaka det.
level-failed-empty-block = Blocket "{ $block }" är tomt: lägg block i det.
level-failed-empty-else = "Annars"-delen av blocket "{ $block }" är tom: lägg block i den.
level-completed = Klart! Bra gjort.
level-invalid-program = Något är fel med blocken. Sitter allt under "när start"?
level-error-network = Vi nådde inte servern. Försök igen.
level-answer-label = Ditt svar
level-answer-submit = Skicka mitt svar
level-stage = Pusslet
level-place = Nivå { $n } av { $total }
level-read-aloud = Läs upp
level-show-hint = Visa en ledtråd
level-hint = Ledtråd {"{"}n{"}"} av {"{"}total{"}"}: {"{"}text{"}"}
level-start-over = Börja om
level-sound = Ljud
level-stage-maze = En labyrint med {"{"}cols{"}"} gånger {"{"}rows{"}"} rutor. Upptäckaren står på ringen och tittar {"{"}facing{"}"}. Steg längs stigen till flaggan: {"{"}steps{"}"}.
level-stage-maze-no-way = En labyrint med {"{"}cols{"}"} gånger {"{"}rows{"}"} rutor. Upptäckaren står på ringen och tittar {"{"}facing{"}"}.
level-facing-north = uppåt
level-facing-east = åt höger
level-facing-south = nedåt
level-facing-west = åt vänster
level-stage-artist = En rityta. En blek bild visar vad du ska rita, och pilen är pennan: rita över bilden.
level-keys-title = Spela med tangentbordet
level-keys-tab = flytta mellan knapparna, blocken att välja bland och ditt program
level-keys-jump = gå till blocken att välja bland, eller till ditt program
level-keys-arrows = gå från block till block
level-keys-enter = ta upp ett block; pilarna väljer vart det ska och Enter sätter dit det
level-keys-escape = lägg tillbaka det
level-keys-delete = ta bort ett block
level-keys-run = kör ditt program
block-when-run = när start
block-move-forward = gå framåt
block-turn-left = sväng vänster ↺
block-turn-right = sväng höger ↻
block-turn = sväng
block-forever = upprepa tills klar
block-if = om väg
block-else = annars
block-path-forward = rakt fram
block-path-left = till vänster
block-path-right = till höger
block-repeat = upprepa
block-times = gånger
block-artist-forward = gå framåt
block-artist-backward = gå bakåt
block-artist-turn-left = sväng vänster
block-artist-turn-right = sväng höger
block-degrees = grader
block-pen-up = lyft pennan
block-pen-down = sänk pennan
block-colour = välj färg

# The request logs' periods, stated in the privacy notice from the server's configuration.
privacy-log-periods = Varje förfrågningslogg raderas efter { $days } dagar, och efter { $ip_days } dagar tas den sista delen av IP-adressen i den bort, så att den inte längre pekar ut en enskild anslutning.
privacy-log-none = Den här servern sparar inga förfrågningsloggar.
