## Grupper: lärarnas sidor

sections-nav = Grupper
sections-nav-mine = Mina klasser
sections-title = Grupper
sections-lead = En grupp är en av dina klasser eller undervisningsgrupper. Eleverna loggar in med en kod, och här följer du hur det går för dem.
sections-mine = Mina grupper
sections-none = Du har inga grupper än. Skapa din första här nedanför.
sections-col-name = Namn
sections-col-course = Kurs
sections-col-login = Inloggning
sections-col-students = Elever
sections-col-code = Kod
sections-new = Skapa en grupp
sections-unverified = Innan du kan skapa en grupp behöver du bekräfta din e-postadress med länken vi skickade. Vi frågar för att bara riktiga lärare ska kunna skapa konton åt barn.
sections-field-name = Gruppens namn
sections-field-name-hint = Till exempel "Klass 3B" eller "Kodklubben, tisdagar".
sections-field-course = Kurs
sections-field-login = Så loggar eleverna in
sections-login-picture = Hemlig bild
sections-login-picture-hint = För yngre barn: de väljer sitt namn och sedan sin egen bild. Du skapar deras konton.
sections-login-word = Två hemliga ord
sections-login-word-hint = För barn som kan läsa: de väljer sitt namn och skriver två ord. Du skapar deras konton.
sections-login-email = Eget konto
sections-login-email-hint = För äldre elever med e-postadress: de skapar konto själva och går med i gruppen med koden.
sections-create = Skapa gruppen

## Sidhuvud och flikar
sections-code = Kod
sections-sign-in-at = Eleverna loggar in på
sections-join-email = Eleverna loggar in med sina egna konton och går med i gruppen med den här koden på sidan "Mina klasser".
sections-tabs = Den här gruppen
sections-tab-progress = Resultat
sections-tab-students = Elever
sections-tab-cards = Inloggningskort
sections-tab-letter = Brev hem
sections-tab-settings = Inställningar

## Översikt
sections-help-title = Behöver hjälp
sections-help-none = Ingen verkar ha kört fast just nu.
sections-needs-help = behöver hjälp
sections-needs-help-levels = Behöver hjälp med nivå { $levels }
sections-grid-title = Resultat
sections-grid-caption = Varje elevs bästa resultat på varje nivå
sections-grid-student = Elev
sections-grid-tries = försök
sections-grid-stuck = många försök, inte löst än
sections-grid-empty = Det finns inga elever i gruppen än.
sections-grid-hint = Peka på en ruta, eller gå runt i rutnätet med piltangenterna, så ser du antal försök och när det senaste gjordes.
sections-times-utc = Tiderna är i UTC.
sections-times-local = Tiderna är i datorns tidszon.
sections-count-students-one = 1 elev
sections-count-students = { $count } elever
sections-csv = Ladda ner som kalkylblad (CSV)
sections-legend = Vad tecknen betyder
sections-legend-solved = löst
sections-legend-tried = provad, inte löst än
sections-legend-stuck = många försök eller lång tid utan att lösa den: kan behöva hjälp

## En elevs sida
sections-student-lead = Nivåerna i { $course }, med alla försök. Här går inget att ändra.
sections-student-hint = Det senaste försöket står först.
sections-student-levels = Nivåer
sections-col-level = Nivå
sections-col-status = Bästa resultat
sections-col-attempts = Försök
sections-col-last = Senaste försöket
sections-attempt-count-one = 1 försök
sections-attempt-count = { $count } försök
sections-open-level = Öppna nivån
sections-code-label = Programmet, block för block
sections-code-loose = (block som inte sitter ihop med "när start"; de körs inte)
sections-code-off = avstängt
sections-code-unknown = okänt block "{ $type }"
sections-code-empty = (inga block)
sections-code-unreadable = (programmet kan inte visas)
sections-storage-full = Elevens utrymme för program och svar är fullt, så nya försök sparas inte längre. Det krävs mycket mer än ett års vanligt arbete för att fylla det; oftast betyder det att samma enorma program har skickats om och om igen.

## Elever
sections-students-none = Inga elever än.
sections-col-age = Ålder
sections-col-gender = Kön
sections-col-account = Konto
sections-col-sign-in = Inloggning
sections-col-actions = Åtgärder
sections-col-secret = Hemlighet
sections-account-managed = skapat av lärare
sections-account-own = eget
sections-locked = Låst: för många fel försök
sections-not-locked = fungerar
sections-edit = Ändra
sections-new-secret = Ny hemlighet
sections-unlock = Lås upp
sections-remove = Ta bort
sections-add-title = Lägg till elever
sections-add-one = Lägg till eleven
sections-field-student-name = Namn
sections-field-student-name-hint = Namnet på inloggningssidan och kortet, till exempel "Alva" eller "Alva B." Barnen ser varandras namn.
sections-field-age = Ålder i år (frivilligt)
sections-field-age-clear = Lämna tomt om du inte vill ange den.
sections-gender-none = Inte angivet
sections-permission = Skolan har tillåtelse att skapa ett konto åt det här barnet.
sections-permission-hint = När du kryssar i rutan intygar du att skolan har samtycke från barnets vårdnadshavare (eller annan rättslig grund) för att skapa ett Kodlek-konto åt barnet. Vi sparar vem som intygade det, och när.
sections-paste-title = Klistra in en klasslista
sections-field-names = Namn, ett per rad
sections-field-names-hint = Kopiera namnen från din klasslista. Tomma rader hoppas över. Högst 100 namn åt gången.
sections-add-list = Lägg till eleverna
sections-email-students = I den här gruppen loggar eleverna in med egna konton: de skapar konto själva och går med med koden. Vill du skapa konton åt yngre barn kan du byta till bilder eller ord under inställningarna.
sections-created-title-one = 1 elev tillagd. Hemligheten:
sections-created-title = { $count } elever tillagda. Deras hemligheter:
sections-print-cards = Skriv ut inloggningskorten
sections-new-secret-for = Ny hemlighet för { $name }
sections-new-secret-old = Den gamla hemligheten fungerar inte längre.
sections-print-one-card = Skriv ut ett nytt kort
sections-edit-title = Ändra { $name }
sections-edit-lead = Rätta det som är fel. Tomma fält töms.
sections-cancel = Avbryt
sections-remove-title = Ta bort { $name }?
sections-remove-managed = En lärare skapade kontot åt { $name }. Om { $name } inte är med i någon annan grupp raderas kontot med alla resultat och program. Det går inte att ångra.
sections-remove-own = { $name } behåller sitt eget konto och sina resultat, men du ser dem inte längre.
sections-remove-confirm = Ta bort { $name }
sections-invalid-names-line = Titta på rad { $line } i listan: ett namn har 1 till 40 tecken.
sections-invalid-student-age = Skriv åldern som ett helt antal år, eller lämna fältet tomt.

## Inloggningskort
sections-cards-title = Inloggningskort
sections-cards-lead = Skriv ut sidan och klipp ut korten. Varje barn får sitt eget kort: hemligheten på det är bara deras.
sections-cards-none = Det finns inga kort än: lägg till elever först.
sections-card-your-picture = Din bild:
sections-card-your-words = Dina hemliga ord:
sections-card-go-to = Gå till

## Inställningar
sections-settings-basics = Namn och kurs
sections-course-hint = Resultatöversikten visar nivåerna i den valda kursen. Det eleverna gjort i den andra kursen finns kvar.
sections-login-warning = Byter du mellan bilder och ord får alla elever som du skapat en ny hemlighet: skriv ut nya kort efteråt. En grupp med elever som du skapat kan inte bli en grupp med egna konton.
sections-login-change = Byt sätt att logga in
sections-code-title = Gruppens kod
sections-code-warning = En ny kod ersätter den gamla direkt: den gamla slutar fungera, både för att logga in och för att gå med.
sections-code-new = Skapa en ny kod
sections-teachers-title = Lärare
sections-teacher-owner = skapade gruppen
sections-teacher-you = du
sections-teacher-leave = Lämna gruppen
sections-invite-lead = En annan lärare kan hjälpa dig med gruppen: hen ser och kan göra allt du kan, utom att radera den. Skapa en länk och ge den till hen; den fungerar en gång, i en vecka.
sections-invite = Skapa en inbjudningslänk
sections-invite-made = Här är inbjudningslänken. Kopiera den nu: den visas bara den här gången.
sections-invite-link = Inbjudningslänk
sections-invite-once = Länken fungerar en gång, i sju dagar, för en inloggad lärare.
sections-delete-title = Radera gruppen
sections-delete-lead = När gruppen raderas raderas också de konton du skapat åt eleverna, om de inte är med i en annan grupp också.
sections-delete = Radera gruppen…
sections-owner-only = Bara läraren som skapade gruppen kan radera den.
sections-delete-confirm-title = Radera { $name }?
sections-delete-students-one = Gruppen har 1 elev.
sections-delete-students = Gruppen har { $count } elever.
sections-delete-erases-zero = Inga elevkonton är skapade av en lärare, så inget konto raderas.
sections-delete-erases-one = 1 elev har ett konto som en lärare skapat: det raderas med alla resultat, om eleven inte är med i en annan grupp också.
sections-delete-erases = { $count } elever har konton som en lärare skapat: de raderas med alla resultat, utom de som är med i en annan grupp också.
sections-delete-final = Det går inte att ångra.
sections-delete-confirm = Ja, radera gruppen

## Klart
sections-done-created = Gruppen är klar. Lägg till dina elever nu.
sections-done-added = Eleverna är tillagda.
sections-done-saved = Ändringarna är sparade.
sections-done-login-type = Inloggningen är ändrad. Eleverna har fått nya hemligheter: skriv ut nya kort.
sections-done-code = Gruppen har fått en ny kod. Den gamla fungerar inte längre.
sections-done-unlocked = Inloggningen är upplåst.
sections-done-removed = Eleven är borttagen ur gruppen.
sections-done-teacher-removed = Läraren är borttagen ur gruppen.
sections-done-left = Du har lämnat gruppen.
sections-done-deleted = Gruppen är raderad.
sections-done-joined = Välkommen! Nu undervisar du också den här gruppen.

## Brev hem
sections-letter-print = Brevet är till eleverna och deras vårdnadshavare. Skriv ut det från webbläsaren (Ctrl+P eller ⌘P); menyerna kommer inte med.
sections-letter-to = Till eleverna i { $section } och deras vårdnadshavare
sections-letter-title = Vi lär oss programmera: { $course }
sections-letter-intro = På lektionerna kommer vi att använda Kodlek, en webbplats med programmeringspussel för skolor, och arbeta med kursen "{ $course }":
sections-letter-levels-one = Kursen har 1 nivå.
sections-letter-levels = Kursen har { $count } nivåer.
sections-letter-how-title = Så loggar man in
sections-letter-go-to = Gå till
sections-letter-code = Skriv klassens kod { $code } om den efterfrågas.
sections-letter-picture = Välj ditt namn och sedan din hemliga bild.
sections-letter-words = Välj ditt namn och skriv sedan dina två hemliga ord.
sections-letter-card = Hemligheten står på kortet som barnet får av mig. Förvara det hemma eller i skolan och visa det inte för andra.
sections-letter-email-1 = Logga in på Kodlek med ditt eget konto (eller skapa ett).
sections-letter-email-2 = Skriv klassens kod { $code } på sidan "Mina klasser".
sections-letter-data-title = Det här sparar Kodlek om en elev
sections-letter-data-lead = Kodlek har ingen reklam och inga spårare. Listan kommer direkt från plattformens förteckning över uppgifter: den visar allt som sparas om en elev, och vem som kan se det.
sections-letter-email = Ett barns e-postadress sparas aldrig i läsbar form. Barn som loggar in med bild eller ord har ingen e-postadress alls hos Kodlek.
sections-letter-audience-self = eleven
sections-letter-audience-teachers = elevens lärare
sections-letter-audience-public = alla
sections-letter-audience-nobody = ingen annan (bara plattformen använder det)
sections-letter-rights-title = Era rättigheter
sections-letter-rights = Vårdnadshavare kan se vad som sparas och begära att det rättas eller raderas: fråga mig, eller läs integritetspolicyn på
sections-letter-regards = Med vänliga hälsningar

## Inbjudningar
sections-invitation-title = Inbjudan att undervisa en grupp
sections-invitation-lead = En annan lärare har bjudit in dig att hjälpa till med sin grupp. Tackar du ja ser du elevernas resultat och kan göra allt utom att radera gruppen.
sections-invitation-accept = Tacka ja
sections-invitation-sign-in = Logga in med ditt lärarkonto först och öppna sedan länken igen.
sections-invitation-not-teacher = Bara lärare kan tacka ja till inbjudan. Logga in med ett lärarkonto.
sections-invitation-invalid = Inbjudningslänken fungerar inte: den kan redan vara använd eller vara äldre än en vecka. Be läraren om en ny.

## Fel från grupp-API:t, efter kod
wrong-login-type = I den här gruppen loggar eleverna in med egna konton, så du kan inte skapa konton åt dem. Byt först till bilder eller ord.
display-name-taken = Det finns redan en elev med det namnet i gruppen. Lägg till en initial, till exempel "Alva B.", så att de går att skilja åt.
sections-names-repeated = De här namnen står två gånger i listan, eller finns redan i gruppen: { $names }. Lägg till en initial, till exempel "Alva B.", så att de går att skilja åt.
school-permission-required = Kryssa i rutan för att intyga att skolan har tillåtelse att skapa konton åt barnen.
student-in-control = Eleven har tagit över sitt konto, så nu är det bara eleven själv som kan ändra det.
managed-students-present = Gruppen har elever vars konton du har skapat. De loggar in med bild eller ord, så gruppen kan inte bli en grupp med egna konton.
owner-cannot-leave = Du skapade gruppen och kan därför inte lämna den. Du kan radera den i stället.
email-unverified = Bekräfta först din e-postadress med länken vi skickade.
unknown-course = Välj en av kurserna i listan.
invalid-name = Ge gruppen ett namn på 1 till 60 tecken.
invalid-names = Skriv minst ett namn, och högst 100 åt gången.
invalid-login-type = Välj hur eleverna ska logga in.
sections-print = Skriv ut
