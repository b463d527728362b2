"""Review playlists and share links: what a team shows a client, and the guest side that shows it.

`models` holds playlists (an ordered list of a catalog's assets with a note
each) and share links (a hashed token giving a guest with no account one
asset, one playlist or one smart folder); `tokens` makes and checks link
tokens; `targets` says what a link shows and who may make one;
`services` does every change; `guest` is the guest session, its throttle
and the signed media URLs; `hooks` announces `share.viewed` to the apps
above (notifications).
"""
