// Public API of the attachments feature: what other features may import.
export { ImageAttachment, FileAttachment, Upload } from './Attachment.jsx';
