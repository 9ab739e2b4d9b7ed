"""The CRM's REST API: serializers, filters and thin viewsets over ``crm.models``."""
