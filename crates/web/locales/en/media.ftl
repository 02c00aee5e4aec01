# Media: the pictures and sounds of learners aged 13 or more.

media-title = Your pictures and sounds
media-lead = Upload your own pictures and sounds to use in the projects you make.
media-privacy = Only you see them here. Others see a file only inside a project you share that uses it. Before a picture is kept, we draw it again pixel by pixel, so that nothing else in the file survives: not where or when it was taken, not the camera. Sounds are kept without their tags (title, artist, cover picture).
media-used = You use { $used } MB of your { $allowed } MB.
media-upload-title = Upload a file
media-file = Picture or sound
media-file-hint = PNG, JPEG, GIF or WebP pictures and MP3, WAV or OGG sounds, up to 5 MB each.
media-upload = Upload
media-too-large = This file is larger than 5 MB.
media-upload-failed = The file could not be uploaded. Please try again.
media-needs-script = Uploading needs JavaScript turned on in your browser.
media-yours = Your files
media-none = You have not uploaded anything yet.
media-kind-image = { $format } picture
media-kind-sound = { $format } sound
media-size = { $mb } MB
media-use-as = In your projects: { $value }
media-delete = Delete
media-account-link = Your pictures and sounds for your projects
done-media-uploaded = Your file is uploaded.
done-media-deleted = The file is deleted.
