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

// portalUserWords are the words of the console's portal-users section
// (console_portalusers.html).
var portalUserWords = map[string][2]string{
	"pu_title":         {"ポータルのユーザー", "Portal users"},
	"pu_help":          {"荷主ごとの荷主ポータルのユーザーです。最初のオーナーを招待すると、パスワード設定用のリンク（7日間有効）をメールで送ります。以後のユーザーはオーナーがポータルから招待します。", "Each merchant's portal users. Inviting the first owner emails them a link to set a password (valid for 7 days); the owner invites the others from the portal."},
	"pu_admin_only":    {"ポータルのユーザーは管理者のみ扱えます", "Portal users are for admins"},
	"pu_email":         {"メールアドレス", "Email"},
	"pu_name":          {"氏名", "Name"},
	"pu_role":          {"権限", "Role"},
	"pu_owner":         {"オーナー", "owner"},
	"pu_staff":         {"スタッフ", "staff"},
	"pu_readonly":      {"閲覧のみ", "read-only"},
	"pu_totp":          {"2段階認証", "Two-step sign-in"},
	"pu_totp_on":       {"有効", "on"},
	"pu_totp_off":      {"—", "—"},
	"pu_active":        {"利用中", "active"},
	"pu_invited":       {"招待中（パスワード未設定）", "invited (no password yet)"},
	"pu_waiting":       {"パスワード誤りで待機中", "waiting after wrong passwords"},
	"pu_locked":        {"停止中", "locked"},
	"pu_lock":          {"停止", "Lock"},
	"pu_unlock":        {"停止を解除", "Unlock"},
	"pu_locked_ok":     {"{email} を停止しました", "{email} is locked out"},
	"pu_unlocked":      {"{email} の停止を解除しました", "{email} can sign in again"},
	"pu_reset_totp":    {"2段階認証をリセット", "Reset two-step sign-in"},
	"pu_reset_confirm": {"{email} の2段階認証をリセットします。本人確認は済んでいますか？", "Reset the two-step sign-in of {email}? Have you checked it is them?"},
	"pu_reset_ok":      {"{email} の2段階認証をリセットしました", "Two-step sign-in of {email} reset"},
	"pu_none":          {"この荷主のユーザーはまだいません", "This merchant has no portal users yet"},
	"pu_invite":        {"ユーザーを招待", "Invite a user"},
	"pu_send":          {"招待メールを送る", "Send the invitation"},
	"pu_invited_ok":    {"{email} に招待メールを送りました", "Invitation sent to {email}"},
	// The audit log's names of the second factor's actions.
	"aud_act_portal_user.totp_enable": {"ポータル2段階認証の有効化", "Portal two-step sign-in turned on"},
	"aud_act_portal_user.totp_reset":  {"ポータル2段階認証の解除", "Portal two-step sign-in turned off"},
}

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
