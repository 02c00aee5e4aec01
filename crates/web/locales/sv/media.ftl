# Media: bilder och ljud för elever som är 13 år eller äldre.

media-title = Dina bilder och ljud
media-lead = Ladda upp egna bilder och ljud att använda i projekten du gör.
media-privacy = Bara du ser dem här. Andra ser en fil bara i ett projekt som du delar och som använder den. Innan en bild sparas ritar vi om den pixel för pixel, så att inget annat i filen finns kvar: inte var eller när den togs, inte kameran. Ljud sparas utan sina taggar (titel, artist, omslagsbild).
media-used = Du använder { $used } MB av dina { $allowed } MB.
media-upload-title = Ladda upp en fil
media-file = Bild eller ljud
media-file-hint = Bilder i PNG, JPEG, GIF eller WebP och ljud i MP3, WAV eller OGG, högst 5 MB var.
media-upload = Ladda upp
media-too-large = Filen är större än 5 MB.
media-upload-failed = Filen kunde inte laddas upp. Försök igen.
media-needs-script = För att ladda upp behöver JavaScript vara påslaget i webbläsaren.
media-yours = Dina filer
media-none = Du har inte laddat upp något än.
media-kind-image = Bild i { $format }
media-kind-sound = Ljud i { $format }
media-size = { $mb } MB
media-use-as = I dina projekt: { $value }
media-delete = Radera
media-account-link = Dina bilder och ljud till dina projekt
done-media-uploaded = Filen är uppladdad.
done-media-deleted = Filen är raderad.
