"""A renderer for endpoints that answer with bytes (images, downloads).

It accepts any `Accept` header, so `<img src=".../thumbnail/">` and
clients asking for `image/jpeg` alike reach the view; error answers from
those endpoints are still JSON.
"""

import json

from rest_framework.renderers import BaseRenderer


class BinaryRenderer(BaseRenderer):
    media_type = "*/*"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, bytearray)):
            return bytes(data)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()
