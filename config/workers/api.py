"""GET /info/workers/: are workers alive, what are they doing, how long are the queues."""

import dramatiq
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.workers.status import workers_status


class WorkersView(APIView):
    """Live worker processes and each queue's length and oldest pending job; staff also see every process."""

    @extend_schema(summary="Workers and queues", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(workers_status(broker=dramatiq.get_broker(), staff=request.user.is_staff))
