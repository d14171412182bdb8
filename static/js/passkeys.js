// Passkey ceremonies (WebAuthn needs JavaScript). Each block marked data-passkey="signin",
// "second-factor" or "register" is shown only where the browser has passkeys; the server makes
// and checks every challenge. Without this file the pages work with codes alone.
const b64 = {
  toBytes(text) {
    const base = text.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base + "=".repeat((4 - (base.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  },
  fromBytes(buffer) {
    const raw = String.fromCharCode(...new Uint8Array(buffer));
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
};

const ENDPOINTS = {
  signin: ["/login/passkey/options", "/login/passkey"],
  "second-factor": ["/login/passkey/options", "/login/passkey"],
  register: ["/account/passkeys/options", "/account/passkeys"],
};

async function post(url, csrf, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body || {}),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || "Something went wrong. Try again.");
  return data;
}

function creationOptions(options) {
  options.challenge = b64.toBytes(options.challenge);
  options.user.id = b64.toBytes(options.user.id);
  options.excludeCredentials = (options.excludeCredentials || []).map((c) => ({ ...c, id: b64.toBytes(c.id) }));
  return { publicKey: options };
}

function requestOptions(options) {
  options.challenge = b64.toBytes(options.challenge);
  options.allowCredentials = (options.allowCredentials || []).map((c) => ({ ...c, id: b64.toBytes(c.id) }));
  return { publicKey: options };
}

function asJSON(credential) {
  const r = credential.response;
  const response = { clientDataJSON: b64.fromBytes(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = b64.fromBytes(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = b64.fromBytes(r.authenticatorData);
    response.signature = b64.fromBytes(r.signature);
    if (r.userHandle) response.userHandle = b64.fromBytes(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: b64.fromBytes(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  };
}

async function run(block) {
  const kind = block.dataset.passkey;
  const csrf = block.dataset.csrf;
  const [optionsUrl, resultUrl] = ENDPOINTS[kind];
  const options = await post(optionsUrl, csrf);
  let credential;
  if (kind === "register") {
    credential = await navigator.credentials.create(creationOptions(options));
  } else {
    credential = await navigator.credentials.get(requestOptions(options));
  }
  const nameField = block.querySelector("input[name=passkey_name]");
  const result = await post(resultUrl, csrf, { credential: asJSON(credential), name: nameField ? nameField.value : "" });
  window.location.assign(result.redirect);
}

if (window.PublicKeyCredential) {
  for (const note of document.querySelectorAll("[data-passkey-nojs]")) note.hidden = true;
  for (const block of document.querySelectorAll("[data-passkey]")) {
    block.hidden = false;
    const error = block.querySelector("[data-passkey-error]");
    block.querySelector("[data-passkey-start]").addEventListener("click", () => {
      error.hidden = true;
      run(block).catch((problem) => {
        error.textContent = problem.message || "The passkey did not work. Try again, or use a code.";
        error.hidden = false;
      });
    });
  }
}
