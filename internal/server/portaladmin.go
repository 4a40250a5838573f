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
var portalUserWords = map[string]soko.Text{
	"pu_title":         {JA: "ポータルのユーザー", EN: "Portal users"},
	"pu_help":          {JA: "荷主ごとの荷主ポータルのユーザーです。最初のオーナーを招待すると、パスワード設定用のリンク（7日間有効）をメールで送ります。以後のユーザーはオーナーがポータルから招待します。", EN: "Each merchant's portal users. Inviting the first owner emails them a link to set a password (valid for 7 days); the owner invites the others from the portal."},
	"pu_admin_only":    {JA: "ポータルのユーザーは管理者のみ扱えます", EN: "Portal users are for admins"},
	"pu_email":         {JA: "メールアドレス", EN: "Email"},
	"pu_name":          {JA: "氏名", EN: "Name"},
	"pu_role":          {JA: "権限", EN: "Role"},
	"pu_owner":         {JA: "オーナー", EN: "owner"},
	"pu_staff":         {JA: "スタッフ", EN: "staff"},
	"pu_readonly":      {JA: "閲覧のみ", EN: "read-only"},
	"pu_totp":          {JA: "2段階認証", EN: "Two-step sign-in"},
	"pu_totp_on":       {JA: "有効", EN: "on"},
	"pu_totp_off":      {JA: "—", EN: "—"},
	"pu_active":        {JA: "利用中", EN: "active"},
	"pu_invited":       {JA: "招待中（パスワード未設定）", EN: "invited (no password yet)"},
	"pu_waiting":       {JA: "パスワード誤りで待機中", EN: "waiting after wrong passwords"},
	"pu_locked":        {JA: "停止中", EN: "locked"},
	"pu_lock":          {JA: "停止", EN: "Lock"},
	"pu_unlock":        {JA: "停止を解除", EN: "Unlock"},
	"pu_locked_ok":     {JA: "{email} を停止しました", EN: "{email} is locked out"},
	"pu_unlocked":      {JA: "{email} の停止を解除しました", EN: "{email} can sign in again"},
	"pu_reset_totp":    {JA: "2段階認証をリセット", EN: "Reset two-step sign-in"},
	"pu_reset_confirm": {JA: "{email} の2段階認証をリセットします。本人確認は済んでいますか？", EN: "Reset the two-step sign-in of {email}? Have you checked it is them?"},
	"pu_reset_ok":      {JA: "{email} の2段階認証をリセットしました", EN: "Two-step sign-in of {email} reset"},
	"pu_none":          {JA: "この荷主のユーザーはまだいません", EN: "This merchant has no portal users yet"},
	"pu_invite":        {JA: "ユーザーを招待", EN: "Invite a user"},
	"pu_send":          {JA: "招待メールを送る", EN: "Send the invitation"},
	"pu_invited_ok":    {JA: "{email} に招待メールを送りました", EN: "Invitation sent to {email}"},
	// The audit log's names of the second factor's actions.
	"aud_act_portal_user.totp_enable": {JA: "ポータル2段階認証の有効化", EN: "Portal two-step sign-in turned on"},
	"aud_act_portal_user.totp_reset":  {JA: "ポータル2段階認証の解除", EN: "Portal two-step sign-in turned off"},
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
