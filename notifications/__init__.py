"""Notifications: signed webhooks a user subscribes to, delivered on the job machine, and mention mail.

The top of the layers. Lower apps announce what happened through their
own hooks (`exports.hooks.on_export_finished`, `sharing.hooks.on_share_viewed`,
and `review.hooks` once review lands); `listeners` subscribes to them in
`NotificationsConfig.ready()` and turns each into an event (`events`) for
the subscriptions of the users concerned. Each event for each
subscription is a `Delivery`, a job row of kind `notification`
(`delivery`), POSTed with an HMAC signature (`signing`) and retried with
exponential backoff; every attempt is recorded. `mail` sends the
`comment.mentioned` email.
"""
