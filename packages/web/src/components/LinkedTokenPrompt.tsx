import { useToken } from '../hooks/useToken';
import { Button } from './Button';
import { Notice } from './Notice';

/**
 * Shown when a `?token=` link carried a token other than the one saved: the saved one stays until
 * the user chooses, and choosing either way dismisses the prompt.
 */
export function LinkedTokenPrompt({ token, onDone }: { token: string; onDone: () => void }) {
  const [, setToken] = useToken();
  return (
    <div className="mb-6">
      <Notice tone="warn" title="The link you opened carries a different control token" testId="linked-token-prompt">
        <p>
          This browser already has a control token saved for this node, and it is still the one in use. Replace it only if the link came from your own node (the URL it prints at start-up, or
          the token in <code>DATA_DIR/.cookie</code>): a link from anyone else can carry a token that does not work here.
        </p>
        <div className="mt-3 flex flex-wrap gap-2">
          <Button onClick={onDone}>Keep the saved token</Button>
          <Button
            variant="secondary"
            onClick={() => {
              setToken(token);
              onDone();
            }}
          >
            Use the link's token
          </Button>
        </div>
      </Notice>
    </div>
  );
}
