package soko

import (
	"context"
	"time"
)

// ActorKind says what kind of caller made a change.
type ActorKind string

// The kinds of actor: a signed-in staff member, a merchant's API key, the
// soko command line, or soko itself (seeding, background jobs).
const (
	ActorStaff  ActorKind = "staff"
	ActorAPIKey ActorKind = "api_key"
	ActorCLI    ActorKind = "cli"
	ActorSystem ActorKind = "system"
	// ActorPortalUser is a merchant's own user signed in to the portal.
	ActorPortalUser ActorKind = "portal_user"
)

// Actor is who made a change, and from where: the audit log's "who".
type Actor struct {
	Kind     ActorKind
	StaffID  int64
	Badge    string
	APIKeyID int64
	// PortalUserID is the merchant's portal user acting.
	PortalUserID int64
	MerchantID   int64
	// Device is the name the staff member's device signed in with.
	Device string
	// Address is the client's network address as the server believes it.
	Address string
}

type actorKey struct{}

// WithActor returns ctx carrying who is making the request's changes; the
// store reads it to write the audit log in the change's own transaction.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns who ctx says is acting, or the system when nobody is.
func ActorOf(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Kind: ActorSystem}
}

// AuditAction names a privileged change.
type AuditAction string

// The audited actions. Order actions are "order." and the supervisor's
// OrderAction (order.hold, order.release_hold, order.cancel, …).
const (
	AuditStaffCreate       AuditAction = "staff.create"
	AuditStaffUpdate       AuditAction = "staff.update"
	AuditStaffPIN          AuditAction = "staff.pin_reset"
	AuditMerchantCreate    AuditAction = "merchant.create"
	AuditMerchantUpdate    AuditAction = "merchant.update"
	AuditEmailTemplate     AuditAction = "merchant.email_template"
	AuditAPIKeyCreate      AuditAction = "api_key.create"
	AuditAPIKeyRevoke      AuditAction = "api_key.revoke"
	AuditWebhookPut        AuditAction = "webhook.put"
	AuditWebhookDelete     AuditAction = "webhook.delete"
	AuditStockCount        AuditAction = "stock.count_adjust"
	AuditManifestClose     AuditAction = "manifest.close"
	AuditBoxTypeCreate     AuditAction = "box_type.create"
	AuditBoxTypeUpdate     AuditAction = "box_type.update"
	AuditLocationCreate    AuditAction = "location.create"
	AuditLocationWalk      AuditAction = "location.walk_sequence"
	AuditTrackingRange     AuditAction = "tracking_range.create"
	AuditCarrierAccount    AuditAction = "carrier_account.put"
	AuditCarrierDelete     AuditAction = "carrier_account.delete"
	AuditRateCard          AuditAction = "billing.rate_card"
	AuditBillingAdjustment AuditAction = "billing.adjustment"
	AuditStatementClose    AuditAction = "billing.close"
	AuditPortalUserCreate  AuditAction = "portal_user.create"
	AuditPortalUserUpdate  AuditAction = "portal_user.update"
	AuditPortalPassword    AuditAction = "portal_user.password_reset"
	AuditKittingCreate     AuditAction = "kitting.create"
	AuditKittingCancel     AuditAction = "kitting.cancel"
	AuditPortalTOTPOn      AuditAction = "portal_user.totp_enable"
	AuditPortalTOTPReset   AuditAction = "portal_user.totp_reset"
)

// OrderAuditAction is the audit action of a supervisor's order command.
func OrderAuditAction(a OrderAction) AuditAction { return AuditAction("order." + string(a)) }

// AuditEntry is one row of the audit log. Before and After are the
// target's values as JSON objects (empty when there were none); they never
// hold secrets (PIN or key hashes) nor customers' names or addresses.
type AuditEntry struct {
	ID         int64
	At         time.Time
	Actor      Actor
	Action     AuditAction
	TargetType string
	TargetID   int64
	Before     string
	After      string
}

// AuditFilter selects audit entries, newest first: by the actor's badge
// (or "cli", "system", "key:<id>"), action (a whole name or a prefix such
// as "staff."), target, and a time range [From, To).
type AuditFilter struct {
	Actor      string
	Action     string
	TargetType string
	TargetID   int64
	From, To   time.Time
	// Before pages back: only entries with a smaller id.
	Before int64
	Limit  int
}
