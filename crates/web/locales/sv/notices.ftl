# Support, meddelanden om incidenter och ändringar, och samtycke.

footer-support = Kontakta supporten
support-title = Kontakta supporten
support-lead = Skriv till vår supportpersonal om ditt konto, din integritet, ett fel eller något annat. Bara supportpersonalen läser det.
support-topic = Vad gäller det?
support-topic-choose = Välj ett
support-topic-account = Mitt konto
support-topic-privacy = Integritet och mina uppgifter
support-topic-bug = Något fungerar inte
support-topic-other = Något annat
support-message = Ditt meddelande
support-message-hint = Upp till 5000 tecken. Skriv inga lösenord här.
support-reply-to = E-postadress för vårt svar (frivilligt)
support-reply-to-hint = Vi sparar den krypterad och raderar den 90 dagar efter att vi har avslutat din förfrågan.
support-child-note = Vi frågar inte efter din e-postadress. Om du behöver ett svar kan du be din lärare eller en förälder att skriva till oss.
support-send = Skicka till supporten
support-choose-topic = Välj vad ditt meddelande gäller.
support-sent-title = Tack, ditt meddelande är skickat
support-sent-lead = Vår supportpersonal läser det. Om du angav en e-postadress svarar vi dit.
support-sent-home = Tillbaka till startsidan
invalid-message = Skriv ett meddelande på 1 till 5000 tecken.
invalid-reply-to = Ange en e-postadress som namn@exempel.se, eller lämna fältet tomt.

notice-first-version = Informationen som den först publicerades.
notice-history = Ändringar av den här informationen
notice-version = version { $version }
notice-significant = betydande ändring
notice-banner = Vår integritetsinformation ändrades { $date }:
notice-banner-link = Läs vad som ändrades

account-notices-section = Meddelanden
account-notices-none = Det finns inga meddelanden till dig.
account-notice-incident = Säkerhetsincident
account-notice-notice_version = Integritetsinformationen har ändrats
account-consents-section = Dina val
consent-title = En fråga innan du fortsätter
consent-lead = Vi skulle vilja använda några av dina uppgifter på ett nytt sätt. Vi gör det bara om du säger ja, och du kan ändra ditt svar när som helst på din kontosida.
consent-yes = Ja
consent-no = Nej
consent-withdraw = Ta tillbaka mitt ja
consent-change-later = Du kan ändra ditt svar när som helst på din kontosida.
consent-now-yes = Ditt svar: ja.
consent-now-no = Ditt svar: nej.
consent-now-unanswered = Du har inte svarat än, så svaret är nej.
done-consent-saved = Ditt svar är sparat.

mail-incident-subject = Kodlek: en säkerhetsincident
mail-incident-lead = En säkerhetsincident kan ha berört ditt Kodlek-konto, eller kontona för elever som du hanterar. Det här hände:
mail-incident-link = Du kan läsa meddelandet på din kontosida: { $link }
mail-version-subject = Kodlek: vår integritetsinformation har ändrats
mail-version-lead = Vi har ändrat Kodleks integritetsinformation. Det här ändrades:
mail-version-link = Läs informationen här: { $link }
