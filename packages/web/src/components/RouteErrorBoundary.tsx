import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ChunkLoadError, reloadForChunks } from '../lib/lazy-route';
import { Button } from './Button';
import { Notice } from './Notice';

interface Props {
  /** A new key (another page, or the node reachable again) clears the error. */
  resetKey: string;
  /** True when the node answers again: a page whose code failed to load is then fetched afresh. */
  online: boolean;
  children: ReactNode;
}

interface State {
  error: Error | null;
  key: string;
}

/**
 * Catches what one page throws so the header, navigation and other pages
 * keep working. A page whose code could not be fetched is reloaded once the
 * node is back; any other failure offers a retry.
 */
export class RouteErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.key ? null : { key: props.resetKey, error: null };
  }

  override componentDidCatch(_error: Error, _info: ErrorInfo): void {
    this.maybeReload();
  }

  override componentDidUpdate(): void {
    this.maybeReload();
  }

  private maybeReload(): void {
    if (this.state.error instanceof ChunkLoadError && this.props.online) reloadForChunks();
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunk = error instanceof ChunkLoadError;
    return (
      <div data-testid="route-error" className="space-y-3">
        <Notice tone={chunk ? 'warn' : 'error'} title={chunk ? 'This page could not be loaded' : 'This page failed'}>
          {chunk
            ? this.props.online
              ? 'Its code changed or went missing on the node: reloading…'
              : 'The node is not answering. The page loads by itself when the node is back.'
            : error.message}
        </Notice>
        <div className="flex gap-2">
          <Button variant="secondary" onClick={() => (chunk ? window.location.reload() : this.setState({ error: null }))}>
            {chunk ? 'Reload now' : 'Try again'}
          </Button>
        </div>
      </div>
    );
  }
}
