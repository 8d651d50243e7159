"""HTTP shapes of the notification log and the message templates."""
from marshmallow import INCLUDE, Schema, fields, validate

from gateway.schemas.common import AreaPageQuery, Strict
from inklusi_platform.contracts.notify import CHANNELS, PREVIEW_CHANNELS, RECIPIENT_KINDS, STATUSES, VARIANTS

Nullable = {"allow_none": True, "required": True}


class NotificationQuery(AreaPageQuery):
    person_id = fields.String(validate=validate.Length(max=64))
    event_type = fields.String(validate=validate.Length(max=80),
                               metadata={"description": "e.g. training.enrolment_promoted"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))


class DeliveryOut(Strict):
    channel = fields.String(required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    template_version = fields.Integer(required=True)
    variant = fields.String(required=True)
    segments = fields.Integer(**Nullable)
    provider_message_id = fields.String(**Nullable)
    reason = fields.String(**Nullable)
    started_at = fields.String(required=True)
    finished_at = fields.String(**Nullable)


class NotificationOut(Strict):
    id = fields.Integer(required=True)
    person_id = fields.String(required=True)
    recipient_kind = fields.String(required=True, validate=validate.OneOf(RECIPIENT_KINDS))
    template = fields.String(required=True)
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    area_code = fields.String(**Nullable)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = fields.String(**Nullable)
    urgent = fields.Boolean(required=True)
    correlation_id = fields.String(**Nullable)
    created_at = fields.String(required=True)
    updated_at = fields.String(**Nullable)
    next_attempt_at = fields.String(**Nullable)
    deliveries = fields.List(fields.Nested(DeliveryOut), required=True)


class TemplateTexts(Strict):
    text = fields.String(required=True)
    sms = fields.String(required=True)


class TemplateOut(Strict):
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    subject = fields.String(required=True)
    variants = fields.Dict(keys=fields.String(validate=validate.OneOf(VARIANTS)), values=fields.Nested(TemplateTexts),
                           required=True)
    sample = fields.Dict(required=True, metadata={"description": "Sample parameters the preview uses."})


class TemplateList(Strict):
    items = fields.List(fields.Nested(TemplateOut), required=True)


class PreviewInput(Strict):
    channel = fields.String(required=True, validate=validate.OneOf(PREVIEW_CHANNELS))
    variant = fields.String(load_default="plain", validate=validate.OneOf(VARIANTS))
    params = fields.Dict(keys=fields.String(), load_default=dict,
                         metadata={"description": "Replaces the template's sample parameters."})


class PreviewOut(Strict):
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    channel = fields.String(required=True)
    variant = fields.String(required=True)
    subject = fields.String(required=True)
    text = fields.String(required=True)
    html = fields.String(**Nullable)


class WhatsAppReceiptsIn(Schema):
    """The WhatsApp Cloud API's webhook body (only `statuses` is read; other fields are kept as sent)."""

    class Meta:
        unknown = INCLUDE

    object = fields.String(metadata={"description": "whatsapp_business_account"})
    entry = fields.List(fields.Dict(), metadata={
        "description": "entry[].changes[].value.statuses[]: {id (the wamid), status: sent | delivered | read | "
                       "failed, errors[]: {code, title}}"})


class SmsReceiptsIn(Schema):
    """The SMS gateway's delivery report: one report, or several under `reports`."""

    class Meta:
        unknown = INCLUDE

    id = fields.String(metadata={"description": "The id the gateway answered when the SMS was sent."})
    status = fields.String(metadata={"description": "delivered | failed (others are ignored)"})
    reason = fields.String(metadata={"description": "Why it failed, as the gateway says it."})
    reports = fields.List(fields.Dict(), metadata={"description": "Several reports of the shape above."})


class ReceiptsOut(Strict):
    matched = fields.Integer(required=True, metadata={"description": "Receipts that matched a sent message."})
