package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// The warehouse's admins keep the merchants' portal users from the
// console: they invite a merchant's first owner (the merchant's owners
// invite the rest themselves), lock a user out or let them in again, and
// turn off the second factor of a user who lost their phone.

// ListAdminPortalUsers answers GET /ops/admin/merchants/{merchant_id}/portal-users.
func (h apiHandlers) ListAdminPortalUsers(ctx context.Context, req api.ListAdminPortalUsersRequestObject) (api.ListAdminPortalUsersResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	users, err := h.store.PortalUsers(ctx, req.MerchantId)
	if err != nil {
		return nil, err
	}
	out := api.ListAdminPortalUsers200JSONResponse{Data: make([]api.PortalUser, len(users))}
	for i, u := range users {
		out.Data[i] = portalUserOut(u)
	}
	return out, nil
}

// InviteAdminPortalUser answers POST /ops/admin/merchants/{merchant_id}/portal-users.
func (h apiHandlers) InviteAdminPortalUser(ctx context.Context, req api.InviteAdminPortalUserRequestObject) (api.InviteAdminPortalUserResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	u := &soko.PortalUser{MerchantID: req.MerchantId, Email: req.Body.Email, Name: deref(req.Body.Name), Role: soko.PortalRole(req.Body.Role)}
	if _, err := h.store.CreatePortalUser(ctx, u, true); err != nil {
		return nil, err
	}
	return api.InviteAdminPortalUser201JSONResponse(portalUserOut(u)), nil
}

// UpdateAdminPortalUser answers PATCH /ops/admin/merchants/{merchant_id}/portal-users/{user_id}.
func (h apiHandlers) UpdateAdminPortalUser(ctx context.Context, req api.UpdateAdminPortalUserRequestObject) (api.UpdateAdminPortalUserResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	u, err := h.store.SetPortalUserActive(ctx, req.MerchantId, req.UserId, req.Body.Active)
	if err != nil {
		return nil, err
	}
	return api.UpdateAdminPortalUser200JSONResponse(portalUserOut(u)), nil
}

// ResetAdminPortalUserTOTP answers POST
// /ops/admin/merchants/{merchant_id}/portal-users/{user_id}/totp-reset.
func (h apiHandlers) ResetAdminPortalUserTOTP(ctx context.Context, req api.ResetAdminPortalUserTOTPRequestObject) (api.ResetAdminPortalUserTOTPResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	u, err := h.store.ResetPortalTOTP(ctx, req.MerchantId, req.UserId)
	if err != nil {
		return nil, err
	}
	h.log.Warn("portal two-step sign-in reset by an admin", "email", u.Email, "merchant_id", u.MerchantID)
	return api.ResetAdminPortalUserTOTP200JSONResponse(portalUserOut(u)), nil
}
