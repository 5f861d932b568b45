import { RouterProvider } from 'react-router';
import { configureApiClient } from '../lib/api-client/index.js';
import { authStore } from '../features/auth/auth-store.js';
import { router } from './router.jsx';

// The api client reads the current token and logs out on a 401.
configureApiClient({
  getToken: () => authStore.token(),
  onUnauthorized: (message) => authStore.logout(message),
});

export function App() {
  return <RouterProvider router={router} />;
}
