"""How a viewset is mounted outside its router: the method → action maps of nested routes.

A nested collection (`/projects/<id>/files/`, `/catalogs/<id>/assets/`)
is the resource's own viewset narrowed to a parent, so it answers the
collection's methods; a nested item answers the item's.
"""

COLLECTION = {"get": "list", "post": "create"}
ITEM = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
