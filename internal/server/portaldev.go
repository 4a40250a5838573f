package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// portalKeyOwner returns the session of a signed-in owner, who alone looks
// after the merchant's API keys, or refuses.
func portalKeyOwner(ctx context.Context) (*soko.PortalSession, error) {
	sess, err := portalOwner(ctx)
	if err != nil {
		return nil, soko.Errorf(soko.EFORBIDDEN, "only the merchant's owners manage API keys").JA("APIキーの管理はオーナーだけが行えます")
	}
	return sess, nil
}

// ListPortalAPIKeys answers GET /portal/api-keys.
func (h apiHandlers) ListPortalAPIKeys(ctx context.Context, _ api.ListPortalAPIKeysRequestObject) (api.ListPortalAPIKeysResponseObject, error) {
	sess, err := portalKeyOwner(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := h.store.ListAPIKeys(ctx, sess.User.MerchantID)
	if err != nil {
		return nil, err
	}
	out := api.ListPortalAPIKeys200JSONResponse{Data: make([]api.AdminAPIKey, len(keys))}
	for i, k := range keys {
		out.Data[i] = adminAPIKeyOut(k, h.now())
	}
	return out, nil
}

// CreatePortalAPIKey answers POST /portal/api-keys: an owner makes a key
// for the merchant's developer, its secret in this answer only.
func (h apiHandlers) CreatePortalAPIKey(ctx context.Context, req api.CreatePortalAPIKeyRequestObject) (api.CreatePortalAPIKeyResponseObject, error) {
	sess, err := portalKeyOwner(ctx)
	if err != nil {
		return nil, err
	}
	out, err := h.makeAPIKey(ctx, sess.User.MerchantID, req.Body)
	if err != nil {
		return nil, err
	}
	return api.CreatePortalAPIKey201JSONResponse(out), nil
}

// RevokePortalAPIKey answers POST /portal/api-keys/{api_key_id}/revoke.
func (h apiHandlers) RevokePortalAPIKey(ctx context.Context, req api.RevokePortalAPIKeyRequestObject) (api.RevokePortalAPIKeyResponseObject, error) {
	sess, err := portalKeyOwner(ctx)
	if err != nil {
		return nil, err
	}
	k, err := h.store.RevokeMerchantAPIKey(ctx, sess.User.MerchantID, req.ApiKeyId)
	if err != nil {
		return nil, err
	}
	return api.RevokePortalAPIKey200JSONResponse(adminAPIKeyOut(k, h.now())), nil
}
